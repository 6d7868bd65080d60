import EventContracts
import Foundation
import Hummingbird

extension Request {
    /// The largest JSON body any route accepts.
    public static let maximumJSONBody = 64 * 1_024

    /// Decodes a JSON body: 413 when larger than 64 KiB, 400 when it is not JSON, 422 naming the
    /// field when a field is missing or of the wrong type. Times are RFC 3339.
    public func decodeJSON<T: Decodable>(as type: T.Type) async throws -> T {
        guard let body = try await decodeOptionalJSON(as: type) else { throw APIError.malformed("a JSON body is required") }
        return body
    }

    /// The same for a route whose body may be left out (an optional reason): nil when it is empty.
    public func decodeOptionalJSON<T: Decodable>(as type: T.Type) async throws -> T? {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maximumJSONBody)
        } catch {
            throw APIError(.contentTooLarge, code: "too_large", message: "the body is larger than 64 KiB")
        }
        guard buffer.readableBytes > 0 else { return nil }
        let data = Data(buffer: buffer)
        // PostgreSQL text cannot hold NUL: refuse it here, not with a 500 from the database.
        guard !Self.containsEscapedNUL(data) else { throw APIError.malformed("text must not contain the NUL character (\\u0000)") }
        do {
            return try EventCoding.decoder().decode(type, from: data)
        } catch DecodingError.keyNotFound(let key, let context) {
            let field = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "\(field) is required")
        } catch DecodingError.typeMismatch(let expected, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "\(field) must be \(Self.describe(expected))")
        } catch DecodingError.valueNotFound(let expected, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "\(field) must be \(Self.describe(expected)), not null")
        } catch DecodingError.dataCorrupted(let context) {
            if !context.codingPath.isEmpty {
                let field = context.codingPath.map(\.stringValue).joined(separator: ".")
                throw APIError.invalid(field, "\(field) has an invalid value")
            }
            // Foundation refuses a number an integer field cannot hold (1.5, 1e300) without
            // saying where; every number the API takes is a whole one, so that number is it.
            if let field = Self.fractionalNumber(in: data) { throw APIError.invalid(field, "\(field) must be a whole number") }
            throw APIError.malformed("the body is not valid JSON")
        } catch {
            throw APIError.malformed("the body is not valid JSON")
        }
    }

    /// Whether JSON text holds the escape `\u0000` (a NUL inside a string; raw control bytes are
    /// not valid JSON at all). A backslash that is itself escaped does not start one.
    static func containsEscapedNUL(_ json: Data) -> Bool {
        let bytes = [UInt8](json)
        let pattern = Array("u0000".utf8)
        var index = 1
        while index + pattern.count <= bytes.count {
            if bytes[index - 1] == UInt8(ascii: "\\"), bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                var backslashes = 0
                var back = index - 1
                while back >= 0, bytes[back] == UInt8(ascii: "\\") { backslashes += 1; back -= 1 }
                if backslashes % 2 == 1 { return true }
            }
            index += 1
        }
        return false
    }

    /// The path (`progress`, `items.2.size`) of the first number in a JSON text that is not a
    /// whole number an `Int` can hold; nil when there is none or the text is not JSON.
    static func fractionalNumber(in json: Data) -> String? {
        guard let root = try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed]) else { return nil }
        func search(_ value: Any, _ path: [String]) -> String? {
            switch value {
            case let object as [String: Any]:
                for key in object.keys.sorted() {
                    if let found = search(object[key]!, path + [key]) { return found }
                }
                return nil
            case let array as [Any]:
                for (index, item) in array.enumerated() {
                    if let found = search(item, path + [String(index)]) { return found }
                }
                return nil
            case let number as NSNumber where !(value is Bool):
                let double = number.doubleValue
                return double.rounded() == double && abs(double) < 9e15 ? nil : path.joined(separator: ".")
            default:
                return nil
            }
        }
        return search(root, [])
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
