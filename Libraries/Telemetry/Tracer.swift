import Instrumentation
import Synchronization
import Tracing

extension InstrumentationContext {
    /// The span work in this context belongs to (``TraceParent``); nil outside any trace.
    public var traceParent: TraceParent? {
        get { self[TraceParentKey.self] }
        set { self[TraceParentKey.self] = newValue }
    }
}

private enum TraceParentKey: InstrumentationContextKey {
    typealias Value = TraceParent
    static var nameOverride: String? { "traceparent" }
}

/// The services' tracer (swift-distributed-tracing): W3C trace context in and out of HTTP
/// headers, a span per request (Hummingbird's `TracingMiddleware`), each span handed, when it
/// ends, to the OTLP exporter if one is configured (``SpanExport``). Without an exporter spans
/// still get their ids — what the outbox, the messages and the logs carry — and nothing more.
public struct OrchestratorTracer: Tracer {
    public init() {}

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> RecordedSpan {
        var context = context()
        let parent = context.traceParent
        let own = parent?.child() ?? .root(sampled: true)
        context.traceParent = own
        return RecordedSpan(
            name: operationName, kind: kind, context: context, parent: parent?.spanId, start: instant().nanosecondsSinceEpoch,
            recording: own.sampled && SpanExport.isOn)
    }

    public func forceFlush() {}

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    )
    where Extract.Carrier == Carrier {
        if let header = extractor.extract(key: TraceParent.headerName, from: carrier), let parent = TraceParent(header: header) {
            context.traceParent = parent
        }
    }

    public func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        if let parent = context.traceParent { injector.inject(parent.header, forKey: TraceParent.headerName, into: &carrier) }
    }
}

extension TraceParent {
    /// The header (HTTP, AMQP) that carries it.
    public static let headerName = "traceparent"
    /// The response header that names the span which answered (W3C Trace Context Level 2).
    public static let responseHeaderName = "traceresponse"

    /// The span the current task works in, if any.
    public static var current: TraceParent? { InstrumentationContext.current?.traceParent }
}

/// A span of ``OrchestratorTracer``: recorded only when it will be exported.
public final class RecordedSpan: Span {
    public let context: InstrumentationContext
    private let kind: SpanKind
    private let parent: UInt64?
    private let start: UInt64
    private let state: Mutex<State>

    private struct State {
        var name: String
        var attributes: SpanAttributes = [:]
        var error: String?
        var recording: Bool
    }

    init(name: String, kind: SpanKind, context: InstrumentationContext, parent: UInt64?, start: UInt64, recording: Bool) {
        self.context = context
        self.kind = kind
        self.parent = parent
        self.start = start
        state = Mutex(State(name: name, recording: recording))
    }

    public var operationName: String {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { if $0.recording { $0.attributes = newValue } } }
    }

    public var isRecording: Bool { state.withLock { $0.recording } }

    public func setStatus(_ status: SpanStatus) {
        guard status.code == .error else { return }
        state.withLock { if $0.recording { $0.error = status.message ?? $0.error ?? "error" } }
    }

    public func addEvent(_ event: SpanEvent) {}

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant)
    {
        state.withLock { if $0.recording { $0.error = String(describing: error) } }
    }

    public func addLink(_ link: SpanLink) {}

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let ended: State? = state.withLock { state in
            guard state.recording else { return nil }
            state.recording = false
            return state
        }
        guard let ended, let own = context.traceParent else { return }
        var attributes: [(String, FinishedSpan.Value)] = []
        ended.attributes.forEach { key, value in
            if let converted = FinishedSpan.Value(value) { attributes.append((key, converted)) }
        }
        SpanExport.submit(
            FinishedSpan(
                name: ended.name, kind: FinishedSpan.Kind(kind), trace: own, parent: parent, start: start,
                end: instant().nanosecondsSinceEpoch, attributes: attributes, error: ended.error))
    }
}

extension FinishedSpan.Kind {
    init(_ kind: SpanKind) {
        self =
            switch kind {
            case .server: .server
            case .client: .client
            case .producer: .producer
            case .consumer: .consumer
            case .internal: .internal
            }
    }
}

extension FinishedSpan.Value {
    init?(_ attribute: SpanAttribute) {
        switch attribute {
        case .int64(let value): self = .int(value)
        case .int32(let value): self = .int(Int64(value))
        case .double(let value): self = .double(value)
        case .bool(let value): self = .bool(value)
        case .string(let value): self = .string(value)
        case .stringConvertible(let value): self = .string(String(describing: value))
        default: return nil
        }
    }
}
