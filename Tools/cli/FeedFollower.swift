import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// A simulated person's live feed: the WebSocket held open with their session's token, every
/// message decoded and handed on; after a drop it reconnects from the last cursor, so nothing
/// is missed. Runs until cancelled.
struct FeedFollower: Sendable {
    let socketURL: String
    let client: APIClient
    /// The last cursor the socket delivered: a reconnection resumes after it.
    private let cursor = Cursor()

    final class Cursor: Sendable {
        private let value = Mutex<Int64?>(nil)
        func withLock<T>(_ body: (inout Int64?) -> T) -> T { value.withLock { body(&$0) } }
    }

    init(socketURL: String, client: APIClient) {
        self.socketURL = socketURL
        self.client = client
    }

    /// The socket of the edge at `url` (`http…` becomes `ws…`, `/ws` appended).
    static func socketURL(of url: String) -> String {
        var socket = url.hasPrefix("https") ? "wss" + url.dropFirst(5) : "ws" + url.dropFirst(4)
        if socket.hasSuffix("/") { socket.removeLast() }
        return "\(socket)/ws"
    }

    func follow(_ handle: @escaping @Sendable (Frame) async -> Void) async {
        var logger = Logger(label: "simulate")
        logger.logLevel = .critical
        while !Task.isCancelled {
            let url = socketURL + (cursor.withLock { $0 }.map { "?after=\($0)" } ?? "")
            // The token goes in the upgrade's Authorization header, never in the URL (which logs keep);
            // a fresh one after the server closed the socket because the last one expired.
            let token = await client.currentToken() ?? ""
            let configuration = WebSocketClientConfiguration(additionalHeaders: [.authorization: "Bearer \(token)"])
            _ = try? await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message, let frame = try? JSONDecoder().decode(Frame.self, from: Data(text.utf8)) else {
                        continue
                    }
                    cursor.withLock { $0 = frame.cursor }
                    await handle(frame)
                }
            }
            try? await Task.sleep(for: .milliseconds(250))  // reconnect after a drop
        }
    }

    /// What the simulation reads of a feed message (the notifier document's `Notification`): its
    /// cursor, its type, and the fields of the events it acts on or times (docs/events.md).
    struct Frame: Decodable {
        struct Data: Decodable {
            var taskId: UUID?
            var assigneeId: UUID?
            var employeeId: UUID?
            var availability: String?
        }
        var cursor: Int64
        var type: String
        var data: Data
    }
}
