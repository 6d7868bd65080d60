import EventContracts
import Foundation
import Hummingbird

extension Request {
    /// The largest JSON body any route accepts.
    public static let maximumJSONBody = 64 * 1_024

    /// Decodes a JSON body: 413 when larger than 64 KiB, 400 when it is not JSON, 422 naming the
    /// field when a field is missing or of the wrong type. Times are RFC 3339.
    public func decodeJSON<T: Decodable>(as type: T.Type) async throws -> T {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maximumJSONBody)
        } catch {
            throw APIError(.contentTooLarge, code: "too_large", message: "the body is larger than 64 KiB")
        }
        guard buffer.readableBytes > 0 else { throw APIError.malformed("a JSON body is required") }
        do {
            return try EventCoding.decoder().decode(type, from: Data(buffer: buffer))
        } catch DecodingError.keyNotFound(let key, let context) {
            let field = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "\(field) is required")
        } catch DecodingError.typeMismatch(let expected, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "\(field) must be \(Self.describe(expected))")
        } catch DecodingError.valueNotFound(let expected, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "\(field) must be \(Self.describe(expected)), not null")
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "\(field) has an invalid value")
        } catch {
            throw APIError.malformed("the body is not valid JSON")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        default: "of another type"
        }
    }
}
