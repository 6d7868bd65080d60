import Messaging
import Persistence
import Testing

@testable import ServiceRuntime

@Suite struct ServiceConfigurationTests {
    let auth = ServiceDescriptor(name: "auth", schema: "auth", defaultPort: 8081, usesRedis: false, migrations: [])
    let scheduler = ServiceDescriptor(name: "scheduler", schema: "scheduler", defaultPort: 8083, usesRedis: true, migrations: [])

    @Test func defaultsReachALocalStackOnLoopback() throws {
        let configuration = try ServiceConfiguration(service: auth, environment: [:])
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.httpPort == 8081)
        #expect(
            configuration.database
                == DatabaseURL(host: "127.0.0.1", port: 5432, username: "orch_auth", password: "orch_auth", database: "orchestrator"))
        #expect(configuration.amqp.host == "127.0.0.1")
        #expect(configuration.amqp.port == 5672)
        #expect(configuration.amqp.virtualHost == "/")
        #expect(configuration.amqpQueueType == .classic)
        #expect(configuration.redis == nil)
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFormat == .json)
        #expect(configuration.otlpEndpoint == nil)
        #expect(configuration.inboxRetention == .seconds(7 * 86_400))
    }

    @Test func onlyServicesThatUseRedisConfigureIt() throws {
        let configuration = try ServiceConfiguration(service: scheduler, environment: ["ORCH_REDIS_URL": "redis://10.1.2.3:7000"])
        #expect(configuration.redis?.host == "10.1.2.3")
        #expect(configuration.redis?.port == 7000)
        #expect(configuration.httpPort == 8083)
    }

    @Test func readsEveryVariable() throws {
        let configuration = try ServiceConfiguration(
            service: auth,
            environment: [
                "ORCH_HTTP_HOST": "0.0.0.0", "ORCH_HTTP_PORT": "9000",
                "ORCH_DATABASE_URL": "postgres://me:s%40cret@db.internal:6543/prod",
                "ORCH_AMQP_URL": "amqps://u:p@mq:5671/orch", "ORCH_AMQP_QUEUE_TYPE": "quorum",
                "ORCH_LOG_LEVEL": "debug", "ORCH_INBOX_RETENTION": "48h", "ORCH_LOG_FORMAT": "Text",
                "ORCH_OTLP_ENDPOINT": " https://collector.internal:4318 ",
                "ORCH_TOKEN_SECRETS": "new:\(String(repeating: "n", count: 32)),old:\(String(repeating: "o", count: 32))",
            ])
        #expect(configuration.httpHost == "0.0.0.0")
        #expect(configuration.httpPort == 9000)
        #expect(
            configuration.database == DatabaseURL(host: "db.internal", port: 6543, username: "me", password: "s@cret", database: "prod"))
        #expect(configuration.amqp.useTLS)
        #expect(configuration.amqp.virtualHost == "orch")
        #expect(configuration.amqpQueueType == .quorum)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .text)
        #expect(configuration.otlpEndpoint == "https://collector.internal:4318")
        #expect(configuration.inboxRetention == .seconds(48 * 3_600))
        #expect(configuration.tokenKeys.keys.map(\.id) == ["new", "old"])
    }

    @Test(arguments: [
        ("ORCH_HTTP_PORT", "eighty"),
        ("ORCH_HTTP_PORT", "70000"),
        ("ORCH_HTTP_PORT", "0"),
        ("ORCH_DATABASE_URL", "mysql://root@localhost/db"),
        ("ORCH_DATABASE_URL", "postgres://127.0.0.1:5432/orchestrator"),
        ("ORCH_DATABASE_URL", "postgres://role:pw@127.0.0.1:5432"),
        ("ORCH_DATABASE_URL", "postgres://role:pw@db:5432/orchestrator?sslmode=verify-ca"),
        ("ORCH_DATABASE_URL", "postgres://role:pw@db:5432/orchestrator?sslmode=verify-full&sslrootcert=/nowhere/ca.pem"),
        ("ORCH_REDIS_URL", "redis://orch_scheduler@127.0.0.1:6379"),
        ("ORCH_AMQP_URL", "http://127.0.0.1:5672"),
        ("ORCH_AMQP_QUEUE_TYPE", "stream"),
        ("ORCH_REDIS_URL", "redis://127.0.0.1:6379/zero"),
        ("ORCH_REDIS_URL", "rediss//nowhere"),
        ("ORCH_LOG_LEVEL", "loud"),
        ("ORCH_LOG_FORMAT", "xml"),
        ("ORCH_OTLP_ENDPOINT", "collector:4318"),
        ("ORCH_OTLP_ENDPOINT", "grpc://collector:4317"),
        ("ORCH_OTLP_ENDPOINT", "http://"),
        ("ORCH_OTLP_ENDPOINT", "http://user:secret@collector:4318"),
        ("ORCH_OTLP_ENDPOINT", "http://collector:4318/?token=x"),
        ("ORCH_INBOX_RETENTION", "10m"),
        ("ORCH_INBOX_RETENTION", "a week"),
        ("ORCH_TOKEN_SECRETS", "k1:too-short"),
        ("ORCH_TOKEN_SECRETS", "no-colon-here"),
    ])
    func aMalformedValueNamesItsVariable(variable: String, value: String) {
        #expect {
            _ = try ServiceConfiguration(service: scheduler, environment: [variable: value])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == variable && "\(error)".hasPrefix(variable)
        }
    }

    @Test func anOTLPEndpointsCredentialsAreRefusedWithoutBeingPrinted() {
        #expect {
            _ = try ServiceConfiguration(service: auth, environment: ["ORCH_OTLP_ENDPOINT": "http://me:hunter2@collector:4318"])
        } throws: { error in
            "\(error)".contains("http://****@collector:4318") && !"\(error)".contains("hunter2")
        }
    }

    @Test func errorsNeverPrintThePassword() {
        #expect {
            _ = try ServiceConfiguration(service: auth, environment: ["ORCH_DATABASE_URL": "postgres://me:hunter2@db:5432"])
        } throws: { error in
            let text = "\(error)"
            return text.contains("ORCH_DATABASE_URL") && !text.contains("hunter2") && text.contains("***")
        }
    }

    @Test func aServiceReachableFromElsewhereNeedsItsOwnTokenSecrets() {
        #expect {
            _ = try ServiceConfiguration(service: auth, environment: ["ORCH_HTTP_HOST": "0.0.0.0"])
        } throws: { error in
            (error as? ConfigurationError)?.variable == "ORCH_TOKEN_SECRETS"
        }
        let secrets = "prod-1:" + String(repeating: "z", count: 48)
        #expect(throws: Never.self) {
            try ServiceConfiguration(service: auth, environment: ["ORCH_HTTP_HOST": "0.0.0.0", "ORCH_TOKEN_SECRETS": secrets])
        }
    }

    @Test func tokenSecretErrorsNeverPrintTheSecret() {
        #expect {
            _ = try ServiceConfiguration(service: auth, environment: ["ORCH_TOKEN_SECRETS": "k1:hunter2hunter2"])
        } throws: { error in
            let text = "\(error)"
            return text.contains("ORCH_TOKEN_SECRETS") && !text.contains("hunter2")
        }
    }
}
