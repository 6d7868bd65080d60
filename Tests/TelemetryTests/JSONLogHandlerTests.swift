import Foundation
import Instrumentation
import Logging
import Synchronization
import Testing

@testable import Telemetry

/// Every log line one JSON object: what was logged, where, and in which trace.
@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let written = Mutex<[String]>([])
        func write(_ line: String) { written.withLock { $0.append(line) } }
        var objects: [[String: Any]] {
            written.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
        }
    }

    func logger(_ lines: Lines, level: Logger.Level = .info) -> Logger {
        var handler = JSONLogHandler(service: "tasks", metadataProvider: JSONLogHandler.traceMetadata) { lines.write($0) }
        handler.logLevel = level
        return Logger(label: "orchestrator.tasks") { _ in handler }
    }

    @Test func writesOneObjectALineWithTheRecordsMetadata() throws {
        let lines = Lines()
        var logger = logger(lines)
        logger[metadataKey: "queue"] = "tasks.events"
        logger.info(
            "handled \"quoted\"\n and\ttabbed \u{1}",
            metadata: ["task.id": "42", "nested": ["list": ["a", "b"], "count": "2"], "error": .stringConvertible(12)])
        logger.debug("below the level")
        #expect(lines.written.withLock { $0.count } == 1)
        let line = try #require(lines.written.withLock { $0.first })
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let record = try #require(lines.objects.first)
        #expect(record["service"] as? String == "tasks" && record["level"] as? String == "info")
        #expect(record["message"] as? String == "handled \"quoted\"\n and\ttabbed \u{1}")
        #expect(record["task.id"] as? String == "42" && record["queue"] as? String == "tasks.events" && record["error"] as? String == "12")
        #expect((record["nested"] as? [String: Any])?["list"] as? [String] == ["a", "b"])
        #expect(record["source"] as? String == "TelemetryTests")
        let time = try #require(record["time"] as? String)
        #expect(time.count == 24 && time.hasSuffix("Z"))
        #expect(record["trace_id"] == nil)
    }

    @Test func aRecordWithinATraceCarriesItsIds() throws {
        let lines = Lines()
        let logger = logger(lines)
        var context = InstrumentationContext.topLevel
        context.traceParent = TraceParent(header: TraceParentTests.example)
        InstrumentationContext.$current.withValue(context) { logger.warning("in a trace") }
        let record = try #require(lines.objects.first)
        #expect(record["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(record["span_id"] as? String == "00f067aa0ba902b7")
    }

    @Test func timestampsAreRFC3339InUTCToTheMillisecond() {
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 1_764_720_000.007)) == "2025-12-03T00:00:00.007Z")
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}
