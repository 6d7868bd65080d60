/// Where a piece of work sits in a distributed trace: the W3C Trace Context `traceparent`
/// (https://www.w3.org/TR/trace-context/) — the trace's id, the id of the span that is the
/// parent of whatever comes next, and whether the trace is sampled (recorded and exported).
///
/// It is what travels: in an HTTP request's `traceparent` header, in each outbox row and in the
/// header of the message published from it, and in the scheduler's queue of tasks, so the events
/// a request causes — three services later — carry the request's trace id (docs/operations.md).
public struct TraceParent: Sendable, Hashable {
    /// 128 bits, never all zero.
    public let traceId: TraceId
    /// 64 bits, never zero.
    public let spanId: UInt64
    public let sampled: Bool

    public struct TraceId: Sendable, Hashable {
        public let high: UInt64
        public let low: UInt64

        public init(high: UInt64, low: UInt64) {
            (self.high, self.low) = (high, low)
        }

        /// 32 lowercase hexadecimal digits.
        public var hex: String { TraceParent.hex(high) + TraceParent.hex(low) }
    }

    public init(traceId: TraceId, spanId: UInt64, sampled: Bool) {
        self.traceId = traceId
        self.spanId = spanId
        self.sampled = sampled
    }

    /// The start of a new trace (a request that came without one).
    public static func root(sampled: Bool) -> TraceParent {
        var random = SystemRandomNumberGenerator()
        return TraceParent(traceId: .init(high: random.nonzero(), low: random.nonzero()), spanId: random.nonzero(), sampled: sampled)
    }

    /// A new span in the same trace, whose parent is this one.
    public func child() -> TraceParent {
        var random = SystemRandomNumberGenerator()
        return TraceParent(traceId: traceId, spanId: random.nonzero(), sampled: sampled)
    }

    /// 16 lowercase hexadecimal digits.
    public var spanHex: String { Self.hex(spanId) }

    /// The header's value: `00-<trace id>-<span id>-<flags>`.
    public var header: String { "00-\(traceId.hex)-\(spanHex)-\(sampled ? "01" : "00")" }

    /// Reads a `traceparent` header; nil for anything the specification says to ignore (a
    /// malformed value, all-zero ids, version `ff`). A later version's longer value is read by its
    /// first four fields, as the specification asks.
    public init?(header: String) {
        let bytes = Array(header.utf8)
        guard bytes.count >= 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
            let version = Self.number(bytes[0..<2]), version != 0xff, bytes.count == 55 || (version > 0 && bytes[55] == UInt8(ascii: "-")),
            let high = Self.number(bytes[3..<19]), let low = Self.number(bytes[19..<35]),
            let span = Self.number(bytes[36..<52]), let flags = Self.number(bytes[53..<55]),
            high != 0 || low != 0, span != 0
        else { return nil }
        self.init(traceId: .init(high: high, low: low), spanId: span, sampled: flags & 1 == 1)
    }

    /// Lowercase hexadecimal digits only (the specification's), as a number.
    private static func number(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for digit in digits {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(digit - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return value
    }

    static func hex(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 { buffer[index] = digits[Int(value >> UInt64(60 - 4 * index) & 0xf)] }
            return 16
        }
    }
}

extension RandomNumberGenerator {
    fileprivate mutating func nonzero() -> UInt64 {
        while true {
            let value: UInt64 = next()
            if value != 0 { return value }
        }
    }
}
