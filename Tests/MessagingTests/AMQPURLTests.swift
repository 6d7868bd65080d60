import Messaging
import Testing

@Suite struct AMQPURLTests {
    @Test func defaultVirtualHostWhenThereIsNoPath() throws {
        let url = try AMQPURL(parsing: "amqp://guest:guest@127.0.0.1:5672")
        #expect(url.virtualHost == "/")
        #expect(!url.useTLS)
        #expect(url.port == 5672)
    }

    @Test func encodedSlashIsTheDefaultVirtualHost() throws {
        #expect(try AMQPURL(parsing: "amqp://u:p@h:5672/%2f").virtualHost == "/")
    }

    @Test func namedVirtualHostAndEncodedCredentials() throws {
        let url = try AMQPURL(parsing: "amqps://svc%40tasks:p%3Ass@mq.internal/orchestrator")
        #expect(url.useTLS)
        #expect(url.port == 5671)
        #expect(url.username == "svc@tasks")
        #expect(url.password == "p:ss")
        #expect(url.virtualHost == "orchestrator")
    }

    @Test(arguments: ["", "http://h:5672", "amqp://", "amqp://u:p@h:0/", "127.0.0.1:5672"])
    func refusesUnusableAddresses(text: String) {
        #expect(throws: AMQPURL.InvalidURL.self) { try AMQPURL(parsing: text) }
    }
}
