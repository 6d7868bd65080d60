import Foundation
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import ServiceRuntime
import Tokens

/// `GET /ws?token=…&after=…`: replays what the caller missed after `after`, in order, then
/// pushes new notifications as they commit. Close codes (docs/notifications.md):
/// 4401 bad token, 4001 token expired, 4008 too slow to keep up.
struct NotificationSocket: Sendable {
    let log: NotificationLog
    let feed: FeedSignal
    let signer: TokenSigner
    let presence: Presence
    /// How long one message may wait for a slow client before it is dropped.
    let sendTimeout: Duration

    static let invalidToken = WebSocketErrorCode(codeNumber: 4401)
    static let tokenExpired = WebSocketErrorCode(codeNumber: 4001)
    static let tooSlow = WebSocketErrorCode(codeNumber: 4008)

    /// The server: HTTP/1.1 with upgrades on `/ws`.
    func server() -> HTTPServerBuilder {
        .http1WebSocketUpgrade(configuration: .init(ws: .init(autoPing: .enabled(timePeriod: .seconds(15))))) { head, _, _ in
            guard let path = head.path, let components = URLComponents(string: path), components.path == "/ws" else {
                return .dontUpgrade
            }
            let query = Dictionary(
                (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first }
            )
            return .upgrade([:]) { inbound, outbound, context in
                try await serve(token: query["token"], after: query["after"], inbound: inbound, outbound: outbound, logger: context.logger)
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
        let audience: Audience = claims.role == .admin ? .admins : .employee(claims.sub)
        var cursor: Int64
        if let after {
            guard let value = Int64(after), value >= 0 else {
                try await outbound.close(.unacceptableData, reason: "after must be a cursor")
                return
            }
            cursor = value
        } else {
            cursor = try await log.latestCursor()
        }
        let session = claims.role == .employee ? try? await presence.open(employee: claims.sub) : nil
        let start = cursor
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The client's own frames are not used; their end is the end of the session.
                group.addTask { for try await _ in inbound {} }
                group.addTask {
                    try await push(from: start, to: audience, until: claims.expiresAt, outbound: outbound)
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            if let session { await presence.close(session) }
            throw error
        }
        if let session { await presence.close(session) }
    }

    private func push(from start: Int64, to audience: Audience, until expiry: Date, outbound: WebSocketOutboundWriter) async throws {
        var cursor = start
        while !Task.isCancelled {
            let seen = feed.generation
            let batch = try await log.after(cursor, for: audience, limit: 500)
            for notification in batch {
                let sent = try await send(notification.json, on: outbound)
                guard sent else {
                    try await outbound.close(Self.tooSlow, reason: "too slow; reconnect with your last cursor")
                    return
                }
                cursor = notification.cursor
            }
            if batch.count == 500 { continue }
            let left = expiry.timeIntervalSinceNow
            guard left > 0 else {
                try await outbound.close(Self.tokenExpired, reason: "token expired; reconnect with a fresh one")
                return
            }
            await feed.wait(beyond: seen, timeout: .milliseconds(Int64(min(left, 30) * 1_000) + 1))
        }
    }

    /// Writes one message unless the client has not taken the last ones within `sendTimeout`.
    private func send(_ text: String, on outbound: WebSocketOutboundWriter) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await outbound.write(.text(text))
                return true
            }
            group.addTask {
                try await Task.sleep(for: sendTimeout)
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
