import Foundation

/// JSON coding shared by every producer and consumer: RFC 3339 times with milliseconds in UTC,
/// sorted keys (stable bytes for the same event), unknown fields ignored on decode.
public enum EventCoding {
    /// The shared encoder (`JSONEncoder` may be used from many tasks at once).
    public static func encoder() -> JSONEncoder { sharedEncoder }

    /// The shared decoder.
    public static func decoder() -> JSONDecoder { sharedDecoder }

    private static let sharedEncoder = makeEncoder()
    private static let sharedDecoder = makeDecoder()

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    private static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = date(fromTimestamp: text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return decoder
    }

    /// Encodes an envelope to the bytes that go on the wire.
    public static func encode<Payload>(_ envelope: EventEnvelope<Payload>) throws -> [UInt8] {
        Array(try encoder().encode(envelope))
    }

    /// Reads just the envelope's header fields.
    public static func header(of body: [UInt8]) throws -> EventHeader {
        try decoder().decode(EventHeader.self, from: Data(body))
    }

    /// Decodes a whole envelope of a known payload type; a missing or mistyped field throws.
    public static func decode<Payload>(_ type: Payload.Type, from body: [UInt8]) throws -> EventEnvelope<Payload> {
        try decoder().decode(EventEnvelope<Payload>.self, from: Data(body))
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// RFC 3339 in UTC with milliseconds, rounded to the nearest one (formatting a `Date`
    /// directly truncates, so .966 read back from text could come out as .965).
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded())
        if let text = Timestamps.format(milliseconds: milliseconds) { return text }
        let remainder = (milliseconds % 1_000 + 1_000) % 1_000
        let whole = Date(timeIntervalSince1970: TimeInterval((milliseconds - remainder) / 1_000))
        let text = whole.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        return text.dropLast() + "." + String(repeating: "0", count: 3 - String(remainder).count) + String(remainder) + "Z"
    }
}

extension EventCoding {
    /// The time `timestamp` wrote `text` for, read without a format style; also any other RFC 3339
    /// time (another offset, more or fewer fractional digits) through the format styles.
    public static func date(fromTimestamp text: String) -> Date? {
        if let milliseconds = Timestamps.parse(text) { return Date(timeIntervalSince1970: Double(milliseconds) / 1_000) }
        if let date = try? timestampStyle.parse(text) { return date }
        return nil
    }
}

extension Date {
    /// Now, to the millisecond: what is stored is then exactly what the API and events show, so
    /// a client filtering by a time it was given finds the same rows.
    public static var nowToTheMillisecond: Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1_000).rounded() / 1_000)
    }
}
