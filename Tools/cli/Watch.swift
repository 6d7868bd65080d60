import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging
import NotifierAPI
import OpenAPIRuntime
import Synchronization

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print live events from the WebSocket feed; after a disconnect, resume from the last cursor.",
        discussion: "Each line: cursor, type, time, and the event's data (or the whole message with --json)."
    )

    @OptionGroup var options: GlobalOptions
    @Option(help: "Start after this cursor (default: only new events).") var after: Int64?
    @Option(help: "Stop after this many events.") var count: Int?
    @Option(help: "Only events whose type starts with this (task., presence., task.completed…).") var type: String?

    /// What the connections of one `watch` share: the last cursor seen and how many were printed.
    final class Progress: Sendable {
        let state: Mutex<(cursor: Int64?, printed: Int)>
        init(after: Int64?) { state = Mutex((after, 0)) }
    }

    func run() async throws {
        try await running {
            let client = try options.client().renewing()
            guard client.token != nil else { throw CLIError.notLoggedIn }
            let socket = FeedFollower.socketURL(of: options.url)
            let progress = Progress(after: after)
            var logger = Logger(label: "orchestrator.watch")
            logger.logLevel = .critical
            var attempt = 0
            while true {
                if let count, progress.state.withLock({ $0.printed }) >= count { return }
                let cursor = progress.state.withLock { $0.cursor }
                // The token goes in the upgrade's Authorization header: URLs end up in logs.
                let url = socket + (cursor.map { "?after=\($0)" } ?? "")
                let token = await client.currentToken() ?? ""
                let configuration = WebSocketClientConfiguration(additionalHeaders: [.authorization: "Bearer \(token)"])
                do {
                    let close = try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            show(text, progress: progress)
                            if let count, progress.state.withLock({ $0.printed }) >= count { return }
                        }
                    }
                    attempt = 0
                    switch close?.closeCode {
                    case .some(.unknown(4401)):
                        throw CLIError(message: "the server refused the token: run `orchestrator login`", exitCode: 3)
                    case .some(.unknown(4001)):
                        throw CLIError(
                            message:
                                "the session expired: run `orchestrator login`, then watch --after \(progress.state.withLock { $0.cursor ?? 0 })",
                            exitCode: 3)
                    default: break
                    }
                } catch let error as CLIError {
                    throw error
                } catch {
                    FileHandle.standardError.write(Data("orchestrator: connection lost (\(error)); reconnecting\n".utf8))
                }
                if let count, progress.state.withLock({ $0.printed }) >= count { return }
                attempt += 1
                try await Task.sleep(for: .milliseconds(min(250 * (1 << min(attempt, 5)), 5_000)))
            }
        }
    }

    func show(_ text: String, progress: Progress) {
        // A frame carries the notifier document's Notification (docs/notifications.md).
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try MillisecondTimes().decode(decoder.singleValueContainer().decode(String.self))
        }
        guard let message = try? decoder.decode(NotifierAPI.Components.Schemas.Notification.self, from: Data(text.utf8)) else { return }
        let wanted = type.map { message._type.hasPrefix($0) } ?? true
        progress.state.withLock { state in
            state.cursor = Int64(message.cursor)
            if wanted { state.printed += 1 }
        }
        guard wanted else { return }
        if options.json {
            print(text)
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(message.data)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            print("\(message.cursor)  \(message._type)  \(Output.time(message.occurredAt))  \(data)")
        }
        fflush(nil)  // every stream: a pipe reader sees each event as it comes
    }
}
