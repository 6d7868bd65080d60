import Metrics

/// The notifier's delivery to people, on its `/metrics` (docs/operations.md):
///
/// - `orchestrator_websockets_open`: sockets connected to this replica now;
/// - `orchestrator_websockets_closed_total{reason}`: `client_left`, `token_expired` (4001), `token_revoked` (4001),
///   `too_slow` (4008: cut off a whole mailbox behind);
/// - `orchestrator_notifications_sent_total{channel}`: frames written to sockets (`websocket`)
///   and items answered to long polls (`long_poll`);
/// - `orchestrator_long_poll_waiters`: long polls waiting for something now.
enum FeedMetrics {
    static let socketsOpen = Meter(label: "orchestrator_websockets_open")
    static let waiters = Meter(label: "orchestrator_long_poll_waiters")
    static let sentToSockets = Counter(label: "orchestrator_notifications_sent_total", dimensions: [("channel", "websocket")])
    static let sentToPolls = Counter(label: "orchestrator_notifications_sent_total", dimensions: [("channel", "long_poll")])
    static let closedClientLeft = closed("client_left")
    static let closedTokenExpired = closed("token_expired")
    static let closedTooSlow = closed("too_slow")
    static let closedTokenRevoked = closed("token_revoked")
    /// Made when the service starts, so each series shows 0 until it counts.
    static func register() {
        _ = (socketsOpen, waiters, sentToSockets, sentToPolls, closedClientLeft, closedTokenExpired, closedTooSlow, closedTokenRevoked)
    }

    private static func closed(_ reason: String) -> Counter {
        Counter(label: "orchestrator_websockets_closed_total", dimensions: [("reason", reason)])
    }
}
