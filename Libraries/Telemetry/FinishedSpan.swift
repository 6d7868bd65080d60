import Glibc

/// A span that ended, as the exporter sends it.
public struct FinishedSpan: Sendable {
    public enum Kind: Int, Sendable {
        // OTLP's numbers (opentelemetry-proto, `Span.SpanKind`).
        case `internal` = 1, server, client, producer, consumer
    }

    public enum Value: Sendable, Equatable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
    }

    public var name: String
    public var kind: Kind
    /// The span's own trace and span id.
    public var trace: TraceParent
    public var parent: UInt64?
    /// Nanoseconds since 1970.
    public var start: UInt64
    public var end: UInt64
    public var attributes: [(String, Value)]
    /// Why it failed, if it did.
    public var error: String?

    public init(
        name: String, kind: Kind, trace: TraceParent, parent: UInt64?, start: UInt64, end: UInt64,
        attributes: [(String, Value)] = [], error: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.trace = trace
        self.parent = parent
        self.start = start
        self.end = end
        self.attributes = attributes
        self.error = error
    }
}

extension FinishedSpan {
    /// Now, as a span's start or end: nanoseconds since 1970.
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
