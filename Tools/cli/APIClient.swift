import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What went wrong, as the user should read it, and the exit status that says so to scripts.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32
    /// The HTTP status, when the server answered.
    var status: Int?
    /// The error object's other fields (`field`, a task's current `status`…).
    var details: [String: String] = [:]

    var description: String { message }

    static let notLoggedIn = CLIError(message: "not logged in: run `orchestrator login` first", exitCode: 3)

    /// The stack could not take the request just now — unreachable, restarting behind the edge
    /// (502, 503, 504) or throttling (429) — so the same request may succeed later.
    var isTransient: Bool { exitCode == 8 || [429, 502, 503, 504].contains(status ?? 0) }

    /// The status's exit code: 3 unauthenticated, 4 forbidden, 5 not found, 6 conflict, 7 bad
    /// input, 1 anything else.
    static func api(status: Int, body: Data) -> CLIError {
        let parsed = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let error = parsed?["error"] as? [String: Any]
        let message = (error?["message"] as? String) ?? String(decoding: body.prefix(300), as: UTF8.self)
        let code: Int32 = switch status {
        case 401: 3
        case 403: 4
        case 404: 5
        case 409: 6
        case 400, 413, 422: 7
        default: 1
        }
        var details: [String: String] = [:]
        for (key, value) in error ?? [:] where key != "message" && key != "code" {
            if let text = value as? String { details[key] = text }
        }
        return CLIError(message: "\(status): \(message)", exitCode: code, status: status, details: details)
    }
}

/// The edge's HTTP API, with the saved token.
struct APIClient {
    /// One HTTP client for the whole process: NIO's, keeping connections alive and reusing them
    /// (a simulation sends hundreds of requests a second; URLSession on Linux cost several
    /// milliseconds of CPU for each). Enough connections per host for every simulated employee
    /// to have one; it lives as long as the process, so it is never shut down.
    static let http = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            timeout: .init(connect: .seconds(10), read: .seconds(30)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        )
    )

    let base: URL
    var token: String?
    /// Set by ``renewing()``: the token then comes from here, refreshed before it expires.
    private(set) var renewal: TokenRenewal?

    init(url: String, token: String?) throws {
        guard let base = URL(string: url), base.scheme == "http" || base.scheme == "https" else {
            throw CLIError(message: "--url must be an http:// or https:// address, not \(url)", exitCode: 2)
        }
        self.base = base
        self.token = token
    }

    /// The same client, trading its token for a fresh one before it expires (long runs).
    func renewing() -> APIClient {
        var client = self
        if let token { client.renewal = TokenRenewal(token: token, base: base.absoluteString) }
        return client
    }

    /// The token to send now.
    func currentToken() async -> String? {
        if let renewal { return await renewal.current() }
        return token
    }

    /// Sends a request; returns the parsed JSON body of a 2xx answer, throws ``CLIError`` otherwise.
    @discardableResult
    func send(_ method: String, _ path: String, query: [String: String?] = [:], body: [String: Any]? = nil,
              headers: [String: String] = [:], authenticated: Bool = true)
        async throws -> Any
    {
        guard var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false) else {
            throw CLIError(message: "cannot build a URL for \(path)", exitCode: 1)
        }
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        if !items.isEmpty { components.queryItems = items.sorted { $0.name < $1.name } }
        var request = HTTPClientRequest(url: components.url!.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        // Without a saved token the request still goes: the server's 401 says "not logged in",
        // and a server that cannot be reached says so (exit 8), not that we are logged out.
        if authenticated, let token = await currentToken() {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let data: Data
        let status: Int
        do {
            let response = try await Self.http.execute(request, timeout: .seconds(30))
            status = Int(response.status.code)
            data = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        } catch {
            throw CLIError(message: "cannot reach \(base.absoluteString): \(Self.reason(error))", exitCode: 8)
        }
        guard (200..<300).contains(status) else {
            if status == 401, authenticated {
                throw CLIError(message: "401: your session is missing or expired: run `orchestrator login`", exitCode: 3, status: 401)
            }
            throw CLIError.api(status: status, body: data)
        }
        return data.isEmpty ? [String: Any]() : try JSONSerialization.jsonObject(with: data)
    }

    /// Why a request got no answer, as a person reads it ("Connection refused", "connectTimeout").
    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }
}
