import AuthAPI
import EventContracts
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// How the services' typed clients (Libraries/API, generated from their documents: docs/api.md)
/// read and write times: RFC 3339 in UTC with milliseconds, as the services write them, with
/// EventContracts' own formatting and parsing rather than Foundation's ISO 8601 formatter (the
/// runtime's default), which is slow on Linux.
struct MillisecondTimes: DateTranscoder {
    func encode(_ date: Date) throws -> String { EventCoding.timestamp(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = EventCoding.date(fromTimestamp: text) ?? Output.parseTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an RFC 3339 time: \(text)"))
        }
        return date
    }
}

extension APIClient {
    static let typedConfiguration = Configuration(dateTranscoder: MillisecondTimes())
}

/// Sends the saved token with every request of a typed client, and turns every answer that is not
/// a 2xx — and a server that cannot be reached — into the ``CLIError`` a person reads, with its
/// exit status, before the generated code looks at it: a command only ever sees its success.
struct EdgeMiddleware: ClientMiddleware {
    let base: URL
    let session: APIClient.Session
    /// Operations that send no token: their 401 is the server's own word (a wrong password).
    static let anonymous: Set<String> = [AuthAPI.Operations.Login.id]
    /// The largest answer read (a page of 100 tasks is ~60 KiB).
    static let largestAnswer = 16 << 20

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        var body = body
        if let request = body, !ExplicitNulls.fields.isEmpty {
            body = HTTPBody(ExplicitNulls.adding(to: try await Data(collecting: request, upTo: 1 << 20)))
        }
        let anonymous = Self.anonymous.contains(operationID)
        // Without a saved token the request still goes: the server's 401 says "not logged in".
        if !anonymous, let token = await session.current() { request.headerFields[.authorization] = "Bearer \(token)" }
        // The whole answer is read here, body included: a connection that drops halfway through
        // a body is as unreachable as one that drops before the status line, and must be retried
        // by a persistent request like it (the answer's work may have committed) — read later by
        // the generated code, it surfaced as an answer that "does not match the document", and a
        // simulated employee let go of a task its completion had ended (a kill -9 drill saw it).
        let response: HTTPResponse
        var data = Data()
        do {
            let responseBody: HTTPBody?
            (response, responseBody) = try await next(request, body, baseURL)
            if let responseBody { data = try await Data(collecting: responseBody, upTo: Self.largestAnswer) }
        } catch {
            throw CLIError(message: "cannot reach \(base.absoluteString): \(APIClient.reason(error))", exitCode: 8)
        }
        let status = response.status.code
        guard !(200..<300).contains(status) else { return (response, HTTPBody(data)) }
        if status == 401, !anonymous {
            throw CLIError(message: "401: your session is missing or expired: run `orchestrator login`", exitCode: 3, status: 401)
        }
        throw CLIError.api(status: status, body: data)
    }
}

extension CLIError {
    /// What a typed client threw, as the user should read it: the middleware's own error, or an
    /// answer the command's generated code could not read — the server and its document disagree.
    init(_ error: ClientError) {
        if let error = error.underlyingError as? CLIError {
            self = error
        } else {
            self.init(
                message: "the answer to \(error.operationID) does not match the service's document: \(error.underlyingError)",
                exitCode: 1, status: error.response.map { Int($0.status.code) }
            )
        }
    }
}

/// Fields a request must send as `null`: the generated clients leave a nil optional out, and an
/// edit's `"dueAt": null` (remove the due time) means something its absence (leave it) does not.
enum ExplicitNulls {
    @TaskLocal static var fields: [String] = []

    /// The JSON object `body` (as the typed client encoded it) with each of `fields` set to null
    /// in front of the members it had (none of which is one of them: a nil was left out).
    static func adding(to body: Data) -> Data {
        guard body.first == UInt8(ascii: "{") else { return body }
        let members = body.dropFirst()
        let nulls = fields.map { "\"\($0)\":null" }.joined(separator: ",")
        let separator = members.first(where: { !$0.isWhitespace }) == UInt8(ascii: "}") ? "" : ","
        return Data("{\(nulls)\(separator)".utf8) + members
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { [0x20, 0x0A, 0x0D, 0x09].contains(self) }
}
