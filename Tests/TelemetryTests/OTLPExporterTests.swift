import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import Telemetry

/// Spans leave as OTLP/HTTP JSON, to a real HTTP server standing where a collector would.
@Suite struct OTLPExporterTests {
    final class Received: Sendable {
        let bodies = Mutex<[(path: String, type: String?, body: Data)]>([])
        var count: Int { bodies.withLock { $0.count } }
    }

    static let trace = TraceParent(header: TraceParentTests.example)!

    static func span(_ name: String, error: String? = nil) -> FinishedSpan {
        FinishedSpan(
            name: name, kind: .consumer, trace: trace.child(), parent: trace.spanId, start: 1_000, end: 2_500,
            attributes: [
                ("event.type", .string("task.created")), ("event.attempt", .int(2)), ("ok", .bool(true)), ("ratio", .double(0.5)),
            ],
            error: error)
    }

    func collector(_ received: Received, status: HTTPResponse.Status = .ok) -> some ApplicationProtocol {
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let data = Data(buffer: body)
            received.bodies.withLock { $0.append((request.uri.path, request.headers[.contentType], data)) }
            return Response(status: status)
        }
        return Application(router: router)
    }

    @Test func sendsEachSpanInOTLPsJSONEncoding() async throws {
        let received = Received()
        try await collector(received).test(.live) { client in
            let port = try #require(client.port)
            let exporter = OTLPExporter(endpoint: "http://127.0.0.1:\(port)/", service: "scheduler", logger: Logger(label: "test"))
            exporter.add(Self.span("scheduler.events process"))
            exporter.add(Self.span("scheduler propose", error: "the task is not \"waiting\""))
            await exporter.flush()
            #expect(exporter.waiting == 0)
        }
        let (path, type, data) = try #require(received.bodies.withLock { $0.first })
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(path == "/v1/traces" && type == "application/json")
        let resource = try #require((body["resourceSpans"] as? [[String: Any]])?.first)
        let attributes = try #require((resource["resource"] as? [String: Any])?["attributes"] as? [[String: Any]])
        #expect(
            attributes.contains {
                $0["key"] as? String == "service.name" && ($0["value"] as? [String: String])?["stringValue"] == "scheduler"
            })
        let spans = try #require(((resource["scopeSpans"] as? [[String: Any]])?.first?["spans"]) as? [[String: Any]])
        #expect(spans.count == 2)
        let first = spans[0]
        #expect(first["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(first["parentSpanId"] as? String == "00f067aa0ba902b7")
        #expect((first["spanId"] as? String)?.count == 16)
        #expect(first["kind"] as? Int == 5 && first["name"] as? String == "scheduler.events process")
        #expect(first["startTimeUnixNano"] as? String == "1000" && first["endTimeUnixNano"] as? String == "2500")
        let values = Dictionary(
            uniqueKeysWithValues: (first["attributes"] as? [[String: Any]] ?? []).map {
                ($0["key"] as! String, $0["value"] as! [String: Any])
            })
        #expect(values["event.type"]?["stringValue"] as? String == "task.created")
        #expect(values["event.attempt"]?["intValue"] as? String == "2")
        #expect(values["ok"]?["boolValue"] as? Bool == true && values["ratio"]?["doubleValue"] as? Double == 0.5)
        #expect(first["status"] == nil)
        let status = try #require(spans[1]["status"] as? [String: Any])
        #expect(status["code"] as? Int == 2 && status["message"] as? String == "the task is not \"waiting\"")
    }

    @Test func aCollectorThatRefusesOrIsNotThereCostsTheSpansNotTheWork() async throws {
        let received = Received()
        try await collector(received, status: .serviceUnavailable).test(.live) { client in
            let port = try #require(client.port)
            let exporter = OTLPExporter(endpoint: "http://127.0.0.1:\(port)", service: "tasks", logger: Logger(label: "test"))
            exporter.add(Self.span("refused"))
            await exporter.flush()
            #expect(exporter.waiting == 0 && received.count == 1)
        }
        var options = OTLPExporter.Options()
        options.maxQueued = 2
        options.timeout = .seconds(2)
        // Port 9 (discard) on loopback: nobody listens.
        let nowhere = OTLPExporter(endpoint: "http://127.0.0.1:9", service: "tasks", options: options, logger: Logger(label: "test"))
        for index in 0..<5 { nowhere.add(Self.span("span \(index)")) }
        #expect(nowhere.waiting == 2)  // the rest dropped at once
        let started = ContinuousClock.now
        await nowhere.flush()
        #expect(nowhere.waiting == 0 && ContinuousClock.now - started < .seconds(3))
    }
}

extension OTLPExporterTests {
    /// Spans that end a few at a time leave in one request an interval, not one each.
    @Test func spansAreSentABatchAnIntervalNotOneARequest() async throws {
        let received = Received()
        try await collector(received).test(.live) { client in
            let port = try #require(client.port)
            var options = OTLPExporter.Options()
            options.interval = .milliseconds(400)
            let exporter = OTLPExporter(
                endpoint: "http://127.0.0.1:\(port)", service: "tasks", options: options, logger: Logger(label: "test"))
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await exporter.run() }
                for index in 0..<100 {
                    exporter.add(Self.span("span \(index)"))
                    try await Task.sleep(for: .milliseconds(10))
                }
                // Stopping sends what is left.
                group.cancelAll()
            }
            let intervals = Int((ContinuousClock.now - started) / options.interval)
            #expect(received.count >= 1 && received.count <= intervals + 2, "\(received.count) requests in \(intervals) intervals")
        }
        let sent = try received.bodies.withLock { $0 }.map { try JSONSerialization.jsonObject(with: $0.body) as? [String: Any] ?? [:] }
            .flatMap {
                (($0["resourceSpans"] as? [[String: Any]])?.first?["scopeSpans"] as? [[String: Any]])?.first?["spans"] as? [Any] ?? []
            }
        #expect(sent.count == 100)
    }
}
