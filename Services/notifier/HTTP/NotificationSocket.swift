import EventBackbone
import Foundation
import HTTPTypes
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import Metrics
import NIOWebSocket
import Resilience
import ServiceRuntime
import Tokens

/// `GET /ws?token=…&after=…`: replays what the caller missed after `after`, in order, then
/// pushes new notifications as they commit. The token may also come in a header or a
/// subprotocol (``SocketCredentials``), which keeps it out of logged URLs. Close codes (docs/notifications.md):
/// 4401 bad token, 4001 token expired — or revoked, when the account was deactivated or given
/// another role meanwhile (docs/auth.md, "Revocation") — 4008 too slow to keep up (fell a whole
/// mailbox behind).
struct NotificationSocket: Sendable {
    let log: NotificationLog
    let hub: FeedHub
    let signer: TokenSigner
    let cutoffs: TokenCutoffs
    let presence: Presence

    static let invalidToken = WebSocketErrorCode(codeNumber: 4401)
    static let tokenExpired = WebSocketErrorCode(codeNumber: 4001)
    static let tooSlow = WebSocketErrorCode(codeNumber: 4008)
    /// The log's commit → the frame written to a client's socket (docs/events.md, "How long a hop takes").
    static let pushDelay = Timer(label: HopLatency.feedPush, preferredDisplayUnit: .seconds)

    /// The server: HTTP/1.1 with upgrades on `/ws`.
    func server() -> HTTPServerBuilder {
        .http1WebSocketUpgrade(configuration: .init(ws: .init(autoPing: .enabled(timePeriod: .seconds(15))))) { head, _, _ in
            guard let path = head.path, let components = URLComponents(string: path), components.path == "/ws" else {
                return .dontUpgrade
            }
            let query = Dictionary(
                (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first }
            )
            let credentials = SocketCredentials(query: query["token"], headers: head.headerFields)
            var answer = HTTPFields()
            if let accepted = credentials.protocolToAccept { answer[.secWebSocketProtocol] = accepted }
            return .upgrade(answer) { inbound, outbound, context in
                try await serve(
                    token: credentials.token, after: query["after"], inbound: inbound, outbound: outbound, logger: context.logger)
            }
        }
    }

    func serve(
        token: String?, after: String?, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger
    ) async throws {
        guard let token, let claims = try? signer.verify(token) else {
            try await outbound.close(Self.invalidToken, reason: "invalid or expired token")
            return
        }
        var resumeFrom: Int64?
        if let after {
            guard let value = Int64(after), value >= 0 else {
                try await outbound.close(.unacceptableData, reason: "after must be a cursor")
                return
            }
            resumeFrom = value
        }
        let audience: Audience = claims.role == .admin ? .admins : .employee(claims.sub)
        let subscription = try await hub.subscribe(audience)
        defer { hub.unsubscribe(subscription) }
        let session = claims.role == .employee ? try? await presence.open(employee: claims.sub) : nil
        let from = resumeFrom ?? subscription.start
        FeedMetrics.socketsOpen.increment()
        defer { FeedMetrics.socketsOpen.decrement() }
        let ending: Ending
        do {
            ending = try await withThrowingTaskGroup(of: Ending.self) { group in
                // The client's own frames are not used; their end is the end of the session.
                group.addTask {
                    for try await _ in inbound {}
                    return .clientLeft
                }
                group.addTask {
                    try await push(subscription, from: from, until: claims.expiresAt, outbound: outbound)
                }
                // A client too slow to take its messages may leave a write pending forever.
                group.addTask {
                    await subscription.mailbox.overflow()
                    return .tooSlow
                }
                group.addTask { [cutoffs] in
                    await cutoffs.untilRevoked(claims)
                    return .tokenRevoked
                }
                let first = try await group.next() ?? .clientLeft
                group.cancelAll()
                return first
            }
        } catch {
            if let session { await presence.close(session) }
            throw error
        }
        if let session { await presence.close(session) }
        switch ending {
        case .clientLeft:
            FeedMetrics.closedClientLeft.increment()
        case .tokenExpired:
            FeedMetrics.closedTokenExpired.increment()
            try await outbound.close(Self.tokenExpired, reason: "token expired; reconnect with a fresh one")
        case .tokenRevoked:
            FeedMetrics.closedTokenRevoked.increment()
            try await outbound.close(Self.tokenExpired, reason: "token revoked; the account changed")
        case .tooSlow:
            FeedMetrics.closedTooSlow.increment()
            // The close frame may never get through to a client that stopped reading.
            _ = try? await withTimeout(.seconds(1)) {
                try await outbound.close(Self.tooSlow, reason: "too slow; reconnect with your last cursor")
            }
        }
    }

    private enum Ending: Sendable {
        case clientLeft, tokenExpired, tokenRevoked, tooSlow
    }

    /// Replays the log from `start` up to where the subscription went live, then sends what the
    /// hub posts, skipping anything already sent.
    private func push(
        _ subscription: FeedHub.Subscription, from start: Int64, until expiry: Date, outbound: WebSocketOutboundWriter
    ) async throws -> Ending {
        var cursor = start
        while cursor < subscription.start {
            let batch = try await log.after(cursor, for: subscription.audience, limit: 500)
            guard let last = batch.last else { break }
            for notification in batch { try await outbound.write(.text(notification.json)) }
            FeedMetrics.sentToSockets.increment(by: batch.count)
            cursor = last.cursor
        }
        while !Task.isCancelled {
            let left = expiry.timeIntervalSinceNow
            guard left > 0 else { return .tokenExpired }
            switch await subscription.mailbox.next(timeout: .milliseconds(Int64(min(left, 30) * 1_000) + 1)) {
            case .overflowed: return .tooSlow
            case .none: continue
            case .items(let items):
                for notification in items where notification.cursor > cursor {
                    try await outbound.write(.text(notification.json))
                    FeedMetrics.sentToSockets.increment()
                    cursor = notification.cursor
                    if let committed = notification.committedAt {
                        Self.pushDelay.recordNanoseconds(max(0, HopLatency.now() - committed) * 1_000)
                    }
                }
            }
        }
        return .clientLeft
    }
}
