import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import ServiceRuntime

/// A body that does not fit its type is a 422 naming the field — including a fractional number
/// for an integer field, which Foundation refuses without saying where.
@Suite struct JSONBodyTests {
    struct Body: Decodable {
        var name: String
        var progress: Int
        var sizes: [Int]?
    }

    static func request(_ json: String) -> Request {
        Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/"),
            body: .init(buffer: ByteBuffer(string: json))
        )
    }

    static func refusal(_ json: String) async -> APIError? {
        do {
            _ = try await request(json).decodeJSON(as: Body.self)
            return nil
        } catch {
            return error as? APIError
        }
    }

    @Test(arguments: [
        (#"{"name": "a", "progress": 50.5}"#, "progress"),
        (#"{"name": "a", "progress": 1e300}"#, "progress"),
        (#"{"name": "a", "progress": 1, "sizes": [1, 2.5]}"#, "sizes.1"),
    ])
    func aFractionalNumberForAnIntegerIsA422NamingIt(json: String, field: String) async {
        let error = await Self.refusal(json)
        #expect(error?.status == .unprocessableContent)
        #expect(error?.details["field"] == field)
        #expect(error?.message == "\(field) must be a whole number")
    }

    @Test func aWholeNumberWrittenAsADecimalIsTaken() async throws {
        let body = try await Self.request(#"{"name": "a", "progress": 50.0, "sizes": [1e2]}"#).decodeJSON(as: Body.self)
        #expect(body.progress == 50 && body.sizes == [100])
    }

    @Test func whatIsNotJSONIsA400AndAMissingFieldA422() async {
        #expect(await Self.refusal(#"{"name": "a", "progress": 5"#)?.status == .badRequest)
        let missing = await Self.refusal(#"{"progress": 5}"#)
        #expect(missing?.status == .unprocessableContent && missing?.details["field"] == "name")
        let mistyped = await Self.refusal(#"{"name": true, "progress": 5}"#)
        #expect(mistyped?.status == .unprocessableContent && mistyped?.details["field"] == "name")
    }

    @Test(arguments: [
        (#"{"a": true, "b": false, "c": 3}"#, nil as String?),
        (#"{"a": {"b": [1, 2, 3.25]}}"#, "a.b.2"),
        (#"not json"#, nil),
    ])
    func findsTheFirstNumberThatIsNotWhole(json: String, path: String?) {
        #expect(Request.fractionalNumber(in: Data(json.utf8)) == path)
    }
}
