import Foundation

/// JSON coding shared by every producer and consumer: RFC 3339 times with milliseconds in UTC,
/// sorted keys (stable bytes for the same event), unknown fields ignored on decode.
public enum EventCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(timestampStyle))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? timestampStyle.parse(text) { return date }
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
}
