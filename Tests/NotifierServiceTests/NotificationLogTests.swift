import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ScratchDatabase
import Synchronization
import Testing

@testable import NotifierService

/// The log's writer against a real PostgreSQL: what it hands this replica's hub (to be pushed
/// without a read) is exactly what its statement committed — nothing when the statement failed,
/// nothing for a message the inbox had already (docs/notifications.md).
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct NotificationLogTests {
    let logger = Logger(label: "notification-log-test")

    /// What the writer handed over, one list per statement.
    final class Handed: Sendable {
        let batches = Mutex<[[FeedHub.Entry]]>([])
        var all: [[FeedHub.Entry]] { batches.withLock { $0 } }
    }

    func withLog(_ body: @Sendable (NotificationLog, PostgresClient, Handed) async throws -> Void) async throws {
        try await ScratchDatabase.with(schema: "notifier", migrations: NotifierService.descriptor.migrations, prefix: "notification_log") {
            client in
            let handed = Handed()
            var log = NotificationLog(client: client, logger: logger)
            log.stored = { entries in handed.batches.withLock { $0.append(entries) } }
            try await body(log, client, handed)
        }
    }

    func created() throws -> IncomingEvent {
        let event = try EncodedEvent(
            EventEnvelope(
                source: "tasks", correlationId: UUID.random(),
                data: TaskCreated(
                    taskId: UUID.random(), version: 1, name: "Call the bank", priority: 2, requiredSkills: [], maxAttempts: 3,
                    createdBy: UUID.random())
            ))
        return IncomingEvent(id: event.id, type: event.type, body: Array(event.body.utf8), attempt: 1)
    }

    func claim(_ events: [IncomingEvent], inbox: String = "notifier.inbox") -> InboxClaim {
        InboxClaim(inbox: inbox, queue: "notifier.feed", ids: events.map(\.id))
    }

    /// The log's rows, in cursor order.
    func rows(_ client: PostgresClient) async throws -> [(cursor: Int64, event: UUID, audience: String)] {
        try await client.query("SELECT cursor, event_id, audience FROM notifier.notifications ORDER BY cursor", logger: logger)
            .collect().map { try $0.decode((Int64, UUID, String).self) }
    }

    func store(_ log: NotificationLog, _ events: [IncomingEvent], _ claim: InboxClaim, _ client: PostgresClient) async throws {
        try await client.withConnection { connection in try await log.store(events, claim: claim, on: connection) }
    }

    @Test func aCommittedBatchIsHandedOverAsTheLogHoldsIt() async throws {
        try await withLog { log, client, handed in
            let events = [try created(), try created()]
            try await store(log, events, claim(events), client)
            let stored = try await rows(client)
            #expect(stored.count >= 2)
            #expect(handed.all.count == 1)
            #expect(handed.all.first?.map(\.notification.cursor) == stored.map(\.cursor))
            #expect(handed.all.first?.map(\.audience) == stored.map(\.audience))
        }
    }

    @Test func aStatementThatFailsHandsNothingOver() async throws {
        try await withLog { log, client, handed in
            // The claim names an inbox that does not exist: the statement fails, nothing commits.
            let events = [try created()]
            await #expect(throws: (any Error).self) { try await store(log, events, claim(events, inbox: "notifier.no_such_inbox"), client) }
            // A batch whose second event's row PostgreSQL refuses after inserting the first's
            // (a trigger the test adds): the statement fails whole, nothing commits.
            let refused = [try created(), try created()]
            try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE FUNCTION notifier.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            IF NEW.event_id = '\(refused[1].id)' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                            RETURN NEW;
                        END $$
                        """), logger: logger)
            try await client.query(
                "CREATE TRIGGER refuse AFTER INSERT ON notifier.notifications FOR EACH ROW EXECUTE FUNCTION notifier.refuse()",
                logger: logger)
            await #expect(throws: (any Error).self) { try await store(log, refused, claim(refused), client) }
            #expect(try await rows(client).isEmpty)
            #expect(handed.all.count == 2 && handed.all.allSatisfy(\.isEmpty), "handed over: \(handed.all)")
        }
    }

    /// Waits, up to ten seconds, until `done` holds.
    func eventually(_ done: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while !done(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return done()
    }

    @Test func aBatchWakesTheFeedSessionsOfOtherReplicasAndNoneOfItsOwn() async throws {
        try await ScratchDatabase.with(schema: "notifier", migrations: NotifierService.descriptor.migrations, prefix: "notification_wake") {
            client, url in
            // Neither session looks again on its own within the test: what tells them is the greeting.
            let ours = FeedSignal(database: url, logger: logger, lookAgain: .seconds(3_600))
            let listening = Task { await ours.run() }
            defer { listening.cancel() }
            // Up, listening, and having looked: its first wake-up is the blind one it gives
            // itself then, and nobody else listens.
            #expect(try await eventually { ours.session != 0 && ours.generation > 0 && !ours.othersMayListen })
            let before = ours.generation
            var log = NotificationLog(client: client, logger: logger)
            // This replica's writer, alone: nobody is woken.
            log.othersMayListen = { ours.othersMayListen }
            let own = [try created()]
            try await store(log, own, claim(own), client)
            // Another replica begins listening: its greeting tells ours, which looked before it came.
            let theirs = FeedSignal(database: url, logger: logger, lookAgain: .seconds(3_600))
            let theirListening = Task { await theirs.run() }
            defer { theirListening.cancel() }
            #expect(try await eventually { ours.othersMayListen })
            #expect(try await eventually { theirs.session != 0 && theirs.othersMayListen })
            // The other replica's writer: this session is woken, once.
            log.othersMayListen = { theirs.othersMayListen }
            let others = [try created(), try created()]
            try await store(log, others, claim(others), client)
            let newest = try await rows(client).map(\.cursor).max() ?? 0
            #expect(try await eventually { ours.reach.newest == newest })
            // Notifications arrive in commit order: had the first batch woken it, that came first.
            #expect(ours.generation == before + 1)
        }
    }

    @Test func aReplicaThatLeftIsNoLongerWoken() async throws {
        try await ScratchDatabase.with(schema: "notifier", migrations: NotifierService.descriptor.migrations, prefix: "notification_left") {
            (_: PostgresClient, url: DatabaseURL) async throws in
            let ours = FeedSignal(database: url, logger: logger, lookAgain: .milliseconds(200))
            let listening = Task { await ours.run() }
            defer { listening.cancel() }
            let theirs = FeedSignal(database: url, logger: logger, lookAgain: .seconds(3_600))
            let theirListening = Task { await theirs.run() }
            #expect(try await eventually { ours.session != 0 && theirs.session != 0 && ours.othersMayListen })
            theirListening.cancel()
            await theirListening.value
            #expect(try await eventually { !ours.othersMayListen })
        }
    }

    @Test func aMessageTheInboxHadAlreadyHandsNothingOver() async throws {
        try await withLog { log, client, handed in
            let events = [try created()]
            try await store(log, events, claim(events), client)
            try await store(log, events, claim(events), client)
            let stored = try await rows(client)
            #expect(handed.all.count == 2)
            #expect(handed.all[0].map(\.notification.cursor) == stored.map(\.cursor))
            #expect(handed.all[1].isEmpty)
        }
    }
}
