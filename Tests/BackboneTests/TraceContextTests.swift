import BackboneProbe
import EventContracts
import Foundation
import Instrumentation
import Messaging
import PostgresNIO
import Synchronization
import Telemetry
import Testing

@testable import EventBackbone

/// The trace an event belongs to: the one its cause was handled in, else the current work's
/// (docs/operations.md, "Following a request").
@Suite struct EncodedEventTraceTests {
    static let request = TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")!
    static let delivery = TraceParent(header: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")!

    func envelope(causedBy cause: UUID?) -> EventEnvelope<WorkRequested> {
        EventEnvelope(source: "tasks", correlationId: UUID(), causationId: cause, data: WorkRequested(employeeId: UUID()))
    }

    @Test func anEventOfARequestCarriesTheRequestsTrace() throws {
        var context = InstrumentationContext.topLevel
        context.traceParent = Self.request
        let event = try InstrumentationContext.$current.withValue(context) { try EncodedEvent(envelope(causedBy: nil)) }
        #expect(event.traceparent == Self.request.header)
        #expect(try EncodedEvent(envelope(causedBy: nil)).traceparent == nil)
        #expect(try EncodedEvent(envelope(causedBy: nil)).traceparentText == "")
    }

    @Test func anEventCausedByOneBeingHandledContinuesThatOnesTrace() throws {
        let cause = UUID()
        var context = InstrumentationContext.topLevel
        context.traceParent = Self.request
        let (caused, unrelated, chosen) = try InstrumentationContext.$current.withValue(context) {
            try EventTrace.$causes.withValue([cause: Self.delivery]) {
                (
                    try EncodedEvent(envelope(causedBy: cause)), try EncodedEvent(envelope(causedBy: UUID())),
                    try EncodedEvent(envelope(causedBy: cause), trace: Self.request)
                )
            }
        }
        #expect(caused.traceparent == Self.delivery.header)
        #expect(unrelated.traceparent == Self.request.header)
        #expect(chosen.traceparent == Self.request.header)
        #expect(EventTrace.$causes.withValue([cause: Self.delivery]) { EventTrace.handling(cause) } == Self.delivery)
    }
}

/// A consumer hands each handler the trace of the message it handles, and makes it the cause's
/// trace for what the handler writes — alone or in a batch of messages of different traces.
@Suite(.enabled(if: TestServers.configured, "needs the servers compose/local test starts"), .serialized)
struct ConsumerTraceTests {
    final class Seen: Sendable {
        let traces = Mutex<[Int: (given: TraceParent?, cause: TraceParent?)]>([:])
        func record(_ event: IncomingEvent) {
            guard let seq = TestEvents.seq(event.body) else { return }
            traces.withLock { $0[seq] = (event.trace, EventTrace.handling(event.id)) }
        }
        var count: Int { traces.withLock { $0.count } }
    }

    @Test(arguments: [false, true])
    func eachHandlerGetsItsMessagesTrace(batched: Bool) async throws {
        let logger = TestServers.logger
        let client = PostgresClient(configuration: TestServers.databaseURL.clientConfiguration, backgroundLogger: logger)
        try await TestServers.running([client]) {
            let schema = try await TestServers.makeSchema(client)
            let events = TestEvents()
            let seen = Seen()
            var handlers = EventHandlers()
            if batched {
                handlers.onBatch([events.type]) { run, _ in for event in run { seen.record(event) } }
            } else {
                handlers.onRaw(events.type) { event, _ in seen.record(event) }
            }
            let publisher = AMQPConnection(url: TestServers.amqpURL, logger: logger)
            let connection = AMQPConnection(url: TestServers.amqpURL, logger: logger)
            var options = EventConsumer.Options()
            options.queueExpires = .seconds(60)
            let consumer = EventConsumer(
                queue: "test.trace.\(schema)", queueType: .classic, handlers: handlers, schema: schema, database: client,
                consumer: connection, publisher: publisher, options: options, logger: logger)
            let traces = [1: EncodedEventTraceTests.request, 2: EncodedEventTraceTests.delivery]
            try await TestServers.running([publisher, connection, consumer]) {
                #expect(try await TestServers.eventually { publisher.probe() == .up && connection.probe() == .up })
                // Published together, so that a batched consumer takes them in one batch.
                try await Task.sleep(for: .milliseconds(300))
                let messages = (1...3).map { seq in
                    var message = events.message(seq: seq)
                    if let trace = traces[seq] { message.headers["traceparent"] = .string(trace.header) }
                    return message
                }
                try await publisher.publish(messages)
                #expect(try await TestServers.eventually(within: .seconds(5)) { seen.count == 3 })
            }
            // No exporter in the tests: the handler works in the publisher's span, unchanged.
            let found = seen.traces.withLock { $0 }
            for seq in 1...3 {
                #expect(found[seq]?.given == traces[seq] && found[seq]?.cause == traces[seq], "seq \(seq)")
            }
            try await TestServers.dropSchema(schema, client)
        }
    }
}
