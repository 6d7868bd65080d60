import EventContracts
import Foundation
import Hummingbird
import NIOCore

/// The request context of every service: the caller's identity once a bearer token was verified,
/// and the peer's address.
public struct ServiceRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``BearerTokenMiddleware`` on protected routes.
    public var identity: Identity?
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Responses write times as RFC 3339 with milliseconds, like the events.
    public var responseEncoder: JSONEncoder { EventCoding.encoder() }

    /// The verified caller; protected routes run only behind ``BearerTokenMiddleware``.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw APIError.unauthenticated }
        return identity
    }
}
