import Testing

@testable import ServiceRuntime

@Suite struct EnvironmentReaderTests {
    @Test func parsesDurationsWithUnits() throws {
        let reader = EnvironmentReader(["A": "500ms", "B": "30s", "C": "5m", "D": "1h", "E": "1.5s"])
        let range = Duration.zero...Duration.seconds(86_400)
        #expect(try reader.duration("A", default: .zero, in: range) == .milliseconds(500))
        #expect(try reader.duration("B", default: .zero, in: range) == .seconds(30))
        #expect(try reader.duration("C", default: .zero, in: range) == .seconds(300))
        #expect(try reader.duration("D", default: .zero, in: range) == .seconds(3600))
        #expect(try reader.duration("E", default: .zero, in: range) == .milliseconds(1500))
        #expect(try reader.duration("MISSING", default: .seconds(7), in: range) == .seconds(7))
    }

    @Test(arguments: ["30", "soon", "-1s", "2d", "s", "34161787446m", "1e300h", "nanh"])
    func refusesMalformedDurations(text: String) {
        let reader = EnvironmentReader(["ORCH_X_TIMEOUT": text])
        #expect(throws: ConfigurationError.self) {
            try reader.duration("ORCH_X_TIMEOUT", default: .seconds(1), in: .zero...(.seconds(60)))
        }
    }

    @Test func refusesDurationsOutOfRange() {
        let reader = EnvironmentReader(["ORCH_X_TIMEOUT": "2h"])
        #expect(throws: ConfigurationError.self) {
            try reader.duration("ORCH_X_TIMEOUT", default: .seconds(1), in: .zero...(.seconds(60)))
        }
    }

    @Test func emptyMeansUnset() throws {
        let reader = EnvironmentReader(["ORCH_HTTP_PORT": ""])
        #expect(try reader.integer("ORCH_HTTP_PORT", default: 8081, in: 1...65_535) == 8081)
    }

    @Test func redactsPasswordsInURLs() {
        #expect(EnvironmentReader.redacted("amqp://user:secret@host:5672/") == "amqp://user:***@host:5672/")
        #expect(EnvironmentReader.redacted("redis://host:6379") == "redis://host:6379")
    }

    @Test func writesDurationsAsPeopleReadThemAndParseThemBack() {
        let cases: [(Duration, String)] = [
            (.seconds(8 * 86_400), "8d"), (.seconds(86_400), "1d"), (.seconds(90_000), "25h"), (.seconds(900), "15m"),
            (.seconds(90), "90s"), (.milliseconds(250), "250ms"),
        ]
        for (duration, text) in cases {
            #expect(EnvironmentReader.durationText(duration) == text)
            #expect(EnvironmentReader.parseDuration(text) == duration)
        }
    }
}
