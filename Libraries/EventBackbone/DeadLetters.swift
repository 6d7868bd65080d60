import Foundation
import Logging
import Messaging
import Metrics
import PostgresNIO
import Resilience

/// A message no consumer of the service could handle, as kept in `<schema>.dead_letters`.
public struct DeadLetter: Codable, Sendable, Equatable {
    public var id: Int64
    /// The queue it came from, and goes back to when replayed.
    public var queue: String
    /// The message's id (`none:…` for one that came without: it is replayed without one).
    public var messageId: String
    public var type: String
    public var routingKey: String
    /// Why it could not be handled (`x-orch-error`), after how many attempts.
    public var error: String
    public var attempts: Int
    /// How many times it reached the dead letters while kept here.
    public var times: Int
    public var firstDeadAt: Date
    public var lastDeadAt: Date
    /// Only when one letter is asked for: its headers and its body as text (lossy if not UTF-8).
    public var headers: [String: String]?
    public var body: String?
}

/// A service's dead letters (docs/events.md, "Dead letters"): what its consumers dead-letter
/// reaches `<queue>.dead`, and the consumer moves it here, where an admin lists, reads, replays
/// or discards it (`/api/dead-letters/{service}`). A replay publishes the message back to the
/// queue it came from, with its message id, and deletes the row once the broker confirmed it:
/// the consumer's inbox makes a second delivery of the same message a no-op, so a replay
/// interrupted between the two is safe to repeat.
public struct DeadLetterStore: Sendable {
    let schema: String
    let database: PostgresClient
    let publisher: AMQPConnection
    let logger: Logger
    private let held = Gauge(label: "orchestrator_dead_letters")

    public init(schema: String, database: PostgresClient, publisher: AMQPConnection, logger: Logger) {
        self.schema = schema
        self.database = database
        self.publisher = publisher
        self.logger = logger
    }

    /// Which letters an operation takes: all, or those of one queue and/or type.
    public struct Filter: Sendable {
        public var queue: String?
        public var type: String?
        public init(queue: String? = nil, type: String? = nil) {
            self.queue = queue
            self.type = type
        }
    }

    /// The key of a message that came without an id (published by hand): one row each, and
    /// replayed without an id again.
    static let noIdPrefix = "none:"

    /// Keeps what reached a `.dead` queue: one row per message and queue, counted again when the
    /// same message comes back — also twice within one batch, which one statement could not
    /// update twice (PostgreSQL refuses to touch a row twice in one `ON CONFLICT DO UPDATE`).
    public func keep(_ deliveries: [Delivery]) async throws {
        var letters: [String: (delivery: Delivery, times: Int)] = [:]
        var order: [String] = []
        for delivery in deliveries {
            let queue = delivery.headers[DeliveryHeaders.queue]?.string ?? String(delivery.queue.dropLast(".dead".count))
            let key = "\(queue) \(delivery.messageId ?? Self.noIdPrefix + UUID().uuidString)"
            if let kept = letters[key] {
                letters[key] = (delivery, kept.times + 1)
            } else {
                letters[key] = (delivery, 1)
                order.append(key)
            }
        }
        guard !order.isEmpty else { return }
        var queues: [String] = []
        var ids: [String] = []
        var types: [String] = []
        var keys: [String] = []
        var errors: [String] = []
        var attempts: [Int] = []
        var times: [Int] = []
        var headers: [String] = []
        var bodies: [String] = []
        for key in order {
            guard let (delivery, count) = letters[key], let space = key.firstIndex(of: " ") else { continue }
            queues.append(String(key[..<space]))
            ids.append(String(key[key.index(after: space)...]))
            types.append(delivery.type ?? "")
            keys.append(delivery.headers[DeliveryHeaders.routingKey]?.string ?? delivery.routingKey)
            errors.append(delivery.headers[DeliveryHeaders.error]?.string ?? "")
            attempts.append(Int(delivery.headers[DeliveryHeaders.attempts]?.integer ?? 0))
            times.append(count)
            headers.append(Self.json(delivery.headers))
            bodies.append(Data(delivery.body).base64EncodedString())
        }
        try await database.query(
            """
            INSERT INTO \(unescaped: schema).dead_letters
                (queue, message_id, event_type, routing_key, error, attempts, times, headers, body)
            SELECT q, m, t, k, e, a, n, h::jsonb, decode(b, 'base64')
            FROM unnest(\(queues)::text[], \(ids)::text[], \(types)::text[], \(keys)::text[], \(errors)::text[],
                        \(attempts)::int[], \(times)::int[], \(headers)::text[], \(bodies)::text[])
                AS letter(q, m, t, k, e, a, n, h, b)
            ON CONFLICT (queue, message_id) DO UPDATE SET
                error = excluded.error, attempts = excluded.attempts, headers = excluded.headers,
                body = excluded.body, times = dead_letters.times + excluded.times, last_dead_at = now()
            """,
            logger: logger
        )
    }

    /// The newest first, `limit` of them, older than `before` (an id) when given.
    public func list(_ filter: Filter, limit: Int, before: Int64?) async throws -> [DeadLetter] {
        let rows = try await database.query(
            """
            SELECT id, queue, message_id, event_type, routing_key, error, attempts, times, first_dead_at, last_dead_at
            FROM \(unescaped: schema).dead_letters
            WHERE (\(filter.queue)::text IS NULL OR queue = \(filter.queue))
              AND (\(filter.type)::text IS NULL OR event_type = \(filter.type))
              AND (\(before)::int8 IS NULL OR id < \(before))
            ORDER BY id DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var letters: [DeadLetter] = []
        for try await row in rows.decode((Int64, String, String, String, String, String, Int, Int, Date, Date).self) {
            letters.append(
                DeadLetter(
                    id: row.0, queue: row.1, messageId: row.2, type: row.3, routingKey: row.4, error: row.5, attempts: row.6,
                    times: row.7, firstDeadAt: row.8, lastDeadAt: row.9))
        }
        return letters
    }

    /// One letter with its headers and body.
    public func find(_ id: Int64) async throws -> DeadLetter? {
        guard let (letter, headers, body) = try await full(id) else { return nil }
        var found = letter
        found.headers = headers.mapValues { value in
            switch value {
            case .string(let text): text
            case .integer(let number): String(number)
            case .boolean(let flag): String(flag)
            }
        }
        found.body = String(decoding: body, as: UTF8.self)
        return found
    }

    /// Publishes a letter back to its queue and deletes it once confirmed; false if there is no such letter.
    public func replay(_ id: Int64) async throws -> Bool {
        guard let (letter, headers, body) = try await full(id) else { return false }
        var replayed = headers
        for name in [DeliveryHeaders.error, DeliveryHeaders.attempts, DeliveryHeaders.queue, HopLatency.publishedAtHeader] {
            replayed.removeValue(forKey: name)
        }
        replayed[DeliveryHeaders.routingKey] = .string(letter.routingKey)
        let message = OutgoingMessage(
            exchange: Exchanges.retry, routingKey: letter.queue, body: body,
            messageId: letter.messageId.hasPrefix(Self.noIdPrefix) ? nil : letter.messageId,
            type: letter.type.isEmpty ? nil : letter.type, headers: replayed
        )
        // A broker that takes no confirm in time fails the replay; the letter stays.
        try await withDeadline(.seconds(10)) { [publisher] in try await publisher.publish([message]) }
        // Only the row that was replayed: the same message dead-lettered again meanwhile stays.
        try await database.query(
            """
            DELETE FROM \(unescaped: schema).dead_letters WHERE id = \(id) AND times = \(letter.times)
            """, logger: logger)
        logger.notice("dead letter replayed", metadata: ["queue": "\(letter.queue)", "message.id": "\(letter.messageId)"])
        return true
    }

    /// Replays every letter `filter` takes, oldest first; returns how many.
    public func replayAll(_ filter: Filter) async throws -> Int {
        var count = 0
        for id in try await ids(filter) where try await replay(id) { count += 1 }
        return count
    }

    /// Deletes one letter; false if there is no such letter.
    public func discard(_ id: Int64) async throws -> Bool {
        let rows = try await database.query(
            "DELETE FROM \(unescaped: schema).dead_letters WHERE id = \(id) RETURNING queue, message_id", logger: logger)
        var found = false
        for try await (queue, message) in rows.decode((String, String).self) {
            found = true
            logger.notice("dead letter discarded", metadata: ["queue": "\(queue)", "message.id": "\(message)"])
        }
        return found
    }

    /// Deletes every letter `filter` takes; returns how many.
    public func discardAll(_ filter: Filter) async throws -> Int {
        let rows = try await database.query(
            """
            DELETE FROM \(unescaped: schema).dead_letters
            WHERE (\(filter.queue)::text IS NULL OR queue = \(filter.queue))
              AND (\(filter.type)::text IS NULL OR event_type = \(filter.type))
            RETURNING id
            """,
            logger: logger
        )
        var count = 0
        for try await _ in rows { count += 1 }
        if count > 0 { logger.notice("dead letters discarded", metadata: ["count": "\(count)"]) }
        return count
    }

    /// `orchestrator_dead_letters`: how many the table holds (a gauge refreshed at scrape time).
    public func refreshGauge() async throws {
        let rows = try await database.query("SELECT count(*) FROM \(unescaped: schema).dead_letters")
        for try await count in rows.decode(Int64.self) { held.record(count) }
    }

    private func ids(_ filter: Filter) async throws -> [Int64] {
        let rows = try await database.query(
            """
            SELECT id FROM \(unescaped: schema).dead_letters
            WHERE (\(filter.queue)::text IS NULL OR queue = \(filter.queue))
              AND (\(filter.type)::text IS NULL OR event_type = \(filter.type))
            ORDER BY id
            """,
            logger: logger
        )
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids
    }

    private func full(_ id: Int64) async throws -> (DeadLetter, [String: HeaderValue], [UInt8])? {
        let rows = try await database.query(
            """
            SELECT id, queue, message_id, event_type, routing_key, error, attempts, times, first_dead_at, last_dead_at,
                headers::text, body
            FROM \(unescaped: schema).dead_letters WHERE id = \(id)
            """,
            logger: logger
        )
        for try await row in rows.decode((Int64, String, String, String, String, String, Int, Int, Date, Date, String, ByteBuffer).self) {
            let letter = DeadLetter(
                id: row.0, queue: row.1, messageId: row.2, type: row.3, routingKey: row.4, error: row.5, attempts: row.6,
                times: row.7, firstDeadAt: row.8, lastDeadAt: row.9)
            return (letter, Self.headers(row.10), Array(buffer: row.11))
        }
        return nil
    }

    /// Headers as JSON: strings as strings, integers as numbers, flags as booleans.
    static func json(_ headers: [String: HeaderValue]) -> String {
        let data = (try? JSONEncoder().encode(headers.mapValues(StoredHeader.init))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func headers(_ json: String) -> [String: HeaderValue] {
        ((try? JSONDecoder().decode([String: StoredHeader].self, from: Data(json.utf8))) ?? [:]).mapValues(\.value)
    }

    /// A header value as JSON keeps its kind: a number, a boolean or a string.
    struct StoredHeader: Codable {
        let value: HeaderValue

        init(_ value: HeaderValue) {
            self.value = value
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                value = .boolean(flag)
            } else if let number = try? container.decode(Int64.self) {
                value = .integer(number)
            } else {
                value = .string(try container.decode(String.self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch value {
            case .string(let text): try container.encode(text)
            case .integer(let number): try container.encode(number)
            case .boolean(let flag): try container.encode(flag)
            }
        }
    }
}
