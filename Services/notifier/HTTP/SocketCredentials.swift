import HTTPTypes

/// Where a WebSocket's token comes from. The first design's `?token=` works, but a URL ends up in logs
/// (proxies log request lines, nginx even in its error log), so the product's own clients keep
/// the token out of it: programs send `Authorization: Bearer …` with the upgrade, browsers —
/// which cannot set headers on a WebSocket — offer the subprotocols `orchestrator` and
/// `bearer.<token>`, and the server answers with `orchestrator`.
struct SocketCredentials: Equatable {
    var token: String?
    /// The subprotocol to answer with, when the client offered ours.
    var protocolToAccept: String?

    static let applicationProtocol = "orchestrator"
    static let bearerProtocolPrefix = "bearer."

    init(token: String?, protocolToAccept: String? = nil) {
        self.token = token
        self.protocolToAccept = protocolToAccept
    }

    /// The header wins over the subprotocol, which wins over the query.
    init(query: String?, headers: HTTPFields) {
        let offered = headers[values: .secWebSocketProtocol]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let protocolToken = offered.first { $0.hasPrefix(Self.bearerProtocolPrefix) }.map {
            String($0.dropFirst(Self.bearerProtocolPrefix.count))
        }
        protocolToAccept = offered.contains(Self.applicationProtocol) ? Self.applicationProtocol : nil
        if let authorization = headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        } else {
            token = protocolToken ?? query
        }
    }
}
