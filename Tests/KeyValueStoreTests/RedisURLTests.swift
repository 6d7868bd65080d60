import KeyValueStore
import Testing

@Suite struct RedisURLTests {
    @Test func parsesHostPortPasswordAndDatabase() throws {
        #expect(
            try RedisURL(parsing: "redis://:s3cret@cache:7000/2") == RedisURL(host: "cache", port: 7000, password: "s3cret", database: 2))
        #expect(try RedisURL(parsing: "redis://127.0.0.1") == RedisURL(host: "127.0.0.1", port: 6379))
        #expect(
            try RedisURL(parsing: "redis://orch_scheduler:p%40ss@cache:7000")
                == RedisURL(host: "cache", port: 7000, user: "orch_scheduler", password: "p@ss"))
    }

    @Test(arguments: ["", "http://h:6379", "redis://", "redis://h:6379/x", "redis://h:123456", "redis://someone@h:6379"])
    func refusesUnusableAddresses(text: String) {
        #expect(throws: RedisURL.InvalidURL.self) { try RedisURL(parsing: text) }
    }
}
