import EventContracts
import Foundation
import Instrumentation
import Telemetry

/// An event ready for the outbox: its id, its type (the routing key), its JSON body, and the
/// trace it belongs to (docs/operations.md, "Following a request").
public struct EncodedEvent: Sendable, Equatable {
    public let id: UUID
    public let type: String
    public let body: String
    /// The W3C `traceparent` of the work that made it, which its message carries on.
    public let traceparent: String?

    /// The trace context as an outbox statement's array takes it: "" for none (`NULLIF` makes it NULL).
    public var traceparentText: String { traceparent ?? "" }

    /// An event whose JSON is already made (tools, tests, events of a newer version).
    public init(id: UUID, type: String, body: String, traceparent: String? = nil) {
        self.id = id
        self.type = type
        self.body = body
        self.traceparent = traceparent
    }

    /// The envelope encoded, in the trace of the event that caused it when that one is being
    /// handled (``EventTrace``), else of the current work (an HTTP request's span), unless
    /// `trace` says otherwise (the scheduler's proposals continue the task's creation).
    public init<Payload>(_ envelope: EventEnvelope<Payload>, trace: TraceParent? = nil) throws {
        id = envelope.id
        type = envelope.type
        body = String(decoding: try EventCoding.encode(envelope), as: UTF8.self)
        traceparent = (trace ?? EventTrace.of(cause: envelope.causationId))?.header
    }
}

/// The traces of the events being handled, by event id, so the events a handler writes continue
/// the trace of the event that caused them — even when a handler takes a batch of events, each of
/// its own trace, in one transaction.
public enum EventTrace {
    @TaskLocal static var causes: [UUID: TraceParent] = [:]

    /// The trace of the handling of event `id`, when it is being handled.
    public static func handling(_ id: UUID) -> TraceParent? { causes[id] }

    /// The trace an event caused by `cause` belongs to.
    public static func of(cause: UUID?) -> TraceParent? {
        if let cause, let trace = causes[cause] { return trace }
        return InstrumentationContext.current?.traceParent
    }
}
