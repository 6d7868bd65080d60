import BackboneProbe
import EventBackbone
import Foundation
import Messaging
import Persistence
import PostgresNIO
import Synchronization
import Testing

@Suite(.enabled(if: TestServers.configured, "needs the servers compose/local test starts"), .serialized)
struct EventConsumerTests {
    struct AlwaysFails: Error, CustomStringConvertible {
        var description: String { "seq 5 always fails" }
    }

    enum Handling { case oneByOne, batched, claiming, firstTry, firstTryTogether }

    struct NotYetFixed: Error, CustomStringConvertible {
        var description: String { "seq 7 fails until the test fixes it" }
    }

    /// How many deliveries a first try handled (the suite runs its tests one at a time).
    static let firstTries = Atomic<Int>(0)
    /// How many times the consumer called `afterCommit`, and how many follow-ups a first try did itself.
    static let wakes = Atomic<Int>(0)
    static let followUps = Atomic<Int>(0)
    /// While set, seq 7 fails too: a cause the test can fix before it replays the dead letter.
    static let seventhBroken = Atomic<Bool>(false)
    /// While set, the usual handler holds seq 12, so that deliveries queue behind it.
    static let twelfthHeld = Atomic<Bool>(false)
    /// What `EventConsumer.waitingBehind` said to each seq's first try.
    static let waitingBehind = Mutex<[Int: Int]>([:])
    /// The seqs of each batch a set-based (`.batched`) handler was given, in order.
    static let batches = Mutex<[[Int]]>([])

    /// A consumer whose handler records each seq in `<schema>.handled` and fails on seq 5.
    func withConsumer(
        _ handling: Handling = .oneByOne, batchSize: Int = EventConsumer.Options().batchSize, gather: Duration = .zero,
        _ body: @Sendable (PostgresClient, String, TestEvents, AMQPConnection, String) async throws -> Void
    ) async throws {
        let logger = TestServers.logger
        let client = PostgresClient(configuration: TestServers.databaseURL.clientConfiguration, backgroundLogger: logger)
        try await TestServers.running([client]) {
            let schema = try await TestServers.makeSchema(client)
            let events = TestEvents()
            var handlers = EventHandlers()
            let handle: EventHandlers.Handler = { event, connection in
                guard let seq = TestEvents.seq(event.body) else { throw PoisonMessage(reason: "no seq") }
                if seq == 5 { throw AlwaysFails() }
                if seq == 7, Self.seventhBroken.load(ordering: .relaxed) { throw NotYetFixed() }
                while seq == 12, Self.twelfthHeld.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
                try await ProbeSchema.record(seq: seq, eventId: event.id, in: schema, on: connection, logger: logger)
            }
            switch handling {
            case .oneByOne:
                handlers.onRaw(events.type, handle)
            case .batched:
                handlers.onBatch([events.type]) { run, connection in
                    Self.batches.withLock { $0.append(run.compactMap { TestEvents.seq($0.body) }) }
                    for event in run { try await handle(event, connection) }
                }
            case .firstTry:
                // A delivery alone is claimed and recorded in one statement — except every third
                // seq, which the first try declines, and seq 5, on which it fails: those go the
                // usual way, as a refused proposal does in tasks.
                handlers.onRaw(events.type, handle)
                handlers.firstTry(events.type) { claim, event, connection in
                    guard let seq = TestEvents.seq(event.body) else { return .declined }
                    Self.waitingBehind.withLock { $0[seq] = EventConsumer.waitingBehind }
                    guard seq % 3 != 0 else { return .declined }
                    if seq == 5 { throw AlwaysFails() }
                    try await connection.query(
                        """
                        WITH claimed AS (
                            INSERT INTO \(unescaped: claim.inbox) (queue, message_id) VALUES (\(claim.queue), \(event.id))
                        )
                        INSERT INTO \(unescaped: schema).handled (seq, event_id) VALUES (\(seq), \(event.id))
                        """,
                        logger: logger
                    )
                    Self.firstTries.add(1, ordering: .relaxed)
                    // Seq 11 stands for a first try that follows its commit up itself.
                    guard seq == 11 else { return .handled }
                    Self.followUps.add(1, ordering: .relaxed)
                    return .handledAndFollowedUp
                }
            case .firstTryTogether:
                // A batch is claimed and recorded in one statement — except every third seq and
                // seq 5, which the first try leaves: those go the usual way after it, as refused
                // proposals do in tasks.
                handlers.onRaw(events.type, handle)
                handlers.firstTryTogether(events.type) { claim, run, connection in
                    let taken = run.filter { event in TestEvents.seq(event.body).map { $0 % 3 != 0 && $0 != 5 } ?? false }
                    let seqs = taken.compactMap { TestEvents.seq($0.body) }
                    try await connection.query(
                        """
                        WITH claimed AS (
                            INSERT INTO \(unescaped: claim.inbox) (queue, message_id)
                            SELECT \(claim.queue), id FROM unnest(\(taken.map(\.id))::uuid[]) AS message(id)
                        )
                        INSERT INTO \(unescaped: schema).handled (seq, event_id)
                        SELECT seq, id FROM unnest(\(seqs)::int[], \(taken.map(\.id))::uuid[]) AS event(seq, id)
                        """,
                        logger: logger
                    )
                    Self.firstTries.add(taken.count, ordering: .relaxed)
                    return Set(taken.map(\.id))
                }
            case .claiming:
                // Claim and record the whole batch in one statement, as the notifier does.
                handlers.onClaimingBatch([events.type]) { claim, run, connection in
                    let seqs = try run.map { event in
                        guard let seq = TestEvents.seq(event.body) else { throw PoisonMessage(reason: "no seq") }
                        if seq == 5 { throw AlwaysFails() }
                        return seq
                    }
                    try await connection.query(
                        """
                        WITH claimed AS (
                            INSERT INTO \(unescaped: claim.inbox) (queue, message_id)
                            SELECT \(claim.queue), id FROM unnest(\(claim.ids)::uuid[]) AS message(id)
                            ON CONFLICT DO NOTHING RETURNING message_id
                        )
                        INSERT INTO \(unescaped: schema).handled (seq, event_id)
                        SELECT seq, id FROM unnest(\(seqs)::int[], \(run.map(\.id))::uuid[]) AS event(seq, id)
                        WHERE id IN (SELECT message_id FROM claimed)
                        """,
                        logger: logger
                    )
                }
            }
            handlers.afterCommit = { Self.wakes.add(1, ordering: .relaxed) }
            let publisher = AMQPConnection(url: TestServers.amqpURL, logger: logger)
            let consuming = AMQPConnection(url: TestServers.amqpURL, logger: logger)
            var options = EventConsumer.Options()
            options.maxAttempts = 3
            options.retryDelay = .milliseconds(200)
            options.batchSize = batchSize
            options.gather = gather
            let queue = "test.consumer.\(schema)"
            let consumer = EventConsumer(
                queue: queue, queueType: .classic, handlers: handlers, schema: schema, database: client,
                consumer: consuming, publisher: publisher, options: options, logger: logger
            )
            try await TestServers.running([publisher, consuming, consumer]) {
                #expect(try await TestServers.eventually { publisher.probe() == .up && consuming.probe() == .up })
                try await Task.sleep(for: .milliseconds(200))  // the queue is declared
                try await body(client, schema, events, publisher, queue)
            }
            try await TestServers.dropSchema(schema, client)
        }
    }

    /// What the consumer kept of `queue`'s dead letters (moved from `<queue>.dead` into the
    /// schema's table), read back as an admin would, each with its headers and body.
    func deadLetters(
        of queue: String, in schema: String, client: PostgresClient, publisher: AMQPConnection, expecting count: Int
    ) async throws -> [DeadLetter] {
        let store = DeadLetterStore(schema: schema, database: client, publisher: publisher, logger: TestServers.logger)
        _ = try await TestServers.eventually { try await store.list(.init(queue: queue), limit: 100, before: nil).count >= count }
        var letters: [DeadLetter] = []
        for letter in try await store.list(.init(queue: queue), limit: 100, before: nil).reversed() {
            letters.append(try #require(try await store.find(letter.id)))
        }
        return letters
    }

    func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async -> T) async throws -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await Task.sleep(for: limit); return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test(arguments: [Handling.oneByOne, .claiming, .firstTry, .firstTryTogether])
    func aFailingMessageIsRetriedThenDeadLetteredWhileTheOthersFlow(handling: Handling) async throws {
        try await withConsumer(handling) { client, schema, events, publisher, queue in
            try await publisher.publish((1...20).map { events.message(seq: $0) })
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled", client) == 19
                })
            let dead = try await deadLetters(of: queue, in: schema, client: client, publisher: publisher, expecting: 1)
            #expect(dead.count == 1)
            let letter = try #require(dead.first)
            #expect(TestEvents.seq(Array((letter.body ?? "").utf8)) == 5)
            #expect(letter.attempts == 3 && letter.headers?[DeliveryHeaders.attempts] == "3")
            #expect(letter.error.contains("seq 5 always fails") && letter.times == 1)
            #expect(letter.queue == queue && letter.headers?[DeliveryHeaders.queue] == queue)
            #expect(letter.routingKey == events.type && letter.type == events.type)
            #expect(try await TestServers.count("SELECT count(DISTINCT seq) FROM \(schema).handled", client) == 19)
        }
    }

    @Test(arguments: [Handling.batched, .claiming])
    func aSetBasedHandlerGetsEachNewEventOnceAndAPoisonInItsRunGoesAloneToTheDeadLetters(handling: Handling) async throws {
        try await withConsumer(handling) { client, schema, events, publisher, queue in
            let id = UUID()
            try await publisher.publish(
                [events.message(seq: 1, id: id), events.message(seq: 1, id: id)] + (2...4).map { events.message(seq: $0) }
                    + [
                        OutgoingMessage(
                            exchange: Exchanges.events, routingKey: events.type,
                            body: Array(
                                #"{"id":"\#(UUID())","type":"\#(events.type)","version":1,"occurredAt":"2026-01-01T00:00:00.000Z","source":"test","correlationId":"\#(UUID())","causationId":null,"data":{}}"#
                                    .utf8))
                    ]
                    + (6...9).map { events.message(seq: $0) }
            )
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled", client) == 8
                })
            let dead = try await deadLetters(of: queue, in: schema, client: client, publisher: publisher, expecting: 1)
            #expect(dead.count == 1 && dead.first?.attempts == 1)
            #expect(try await TestServers.count("SELECT count(DISTINCT seq) FROM \(schema).handled", client) == 8)
        }
    }

    @Test(arguments: [Handling.oneByOne, .claiming, .firstTry, .firstTryTogether])
    func aDuplicateIsAcknowledgedAndSkipped(handling: Handling) async throws {
        try await withConsumer(handling) { client, schema, events, publisher, _ in
            let id = UUID()
            try await publisher.publish([events.message(seq: 1, id: id), events.message(seq: 1, id: id), events.message(seq: 2)])
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 2", client) == 1
                })
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 1", client) == 1)
        }
    }

    @Test func aDeliveryAloneIsHandledByItsFirstTryAndADuplicateOfItIsSkipped() async throws {
        try await withConsumer(.firstTry) { client, schema, events, publisher, _ in
            let before = Self.firstTries.load(ordering: .relaxed)
            let id = UUID()
            try await publisher.publish([events.message(seq: 1, id: id)])
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 1", client) == 1
                })
            #expect(Self.firstTries.load(ordering: .relaxed) == before + 1)
            // Again, alone: the first try's claim fails the statement; the usual way skips it.
            try await publisher.publish([events.message(seq: 1, id: id)])
            // Declined by the first try: handled the usual way.
            try await publisher.publish([events.message(seq: 3)])
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 3", client) == 1
                })
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 1", client) == 1)
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).inbox", client) == 2)
            #expect(Self.firstTries.load(ordering: .relaxed) == before + 1)
        }
    }

    @Test func aFirstTryThatFollowsItsCommitUpItselfIsNotFollowedUpAgain() async throws {
        try await withConsumer(.firstTry) { client, schema, events, publisher, _ in
            func handled(_ seq: Int) async throws -> Bool {
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = \(seq)", client) == 1
                }
            }
            let wakes = Self.wakes.load(ordering: .relaxed), followUps = Self.followUps.load(ordering: .relaxed)
            try await publisher.publish([events.message(seq: 1)])
            #expect(try await handled(1))
            #expect(try await TestServers.eventually { Self.wakes.load(ordering: .relaxed) == wakes + 1 })
            try await publisher.publish([events.message(seq: 11)])
            #expect(try await handled(11))
            try await Task.sleep(for: .milliseconds(200))
            #expect(Self.followUps.load(ordering: .relaxed) == followUps + 1)
            #expect(Self.wakes.load(ordering: .relaxed) == wakes + 1)
            // Declined by the first try, handled the usual way: followed up by the consumer.
            try await publisher.publish([events.message(seq: 3)])
            #expect(try await handled(3))
            #expect(try await TestServers.eventually { Self.wakes.load(ordering: .relaxed) == wakes + 2 })
        }
    }

    /// A first try learns how many deliveries wait behind the one it is offered (the scheduler's
    /// creation round steps aside when any do).
    @Test func aFirstTryIsToldWhatWaitsBehindItsDelivery() async throws {
        try await withConsumer(.firstTry, batchSize: 1) { client, schema, events, publisher, _ in
            Self.twelfthHeld.store(true, ordering: .relaxed)
            defer { Self.twelfthHeld.store(false, ordering: .relaxed) }
            try await publisher.publish([events.message(seq: 12)])
            #expect(try await TestServers.eventually { Self.waitingBehind.withLock { $0[12] } != nil })
            // Seq 12 is held by the usual handler; three more arrive and wait for the consumer
            // (published and confirmed, the broker pushes them at once: the wait is a margin for a
            // slow machine, not a measure).
            try await publisher.publish([events.message(seq: 13), events.message(seq: 14), events.message(seq: 16)])
            try await Task.sleep(for: .seconds(2))
            Self.twelfthHeld.store(false, ordering: .relaxed)
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq IN (12, 13, 14, 16)", client) == 4
                })
            let told = Self.waitingBehind.withLock { $0 }
            #expect(told[12] == 0 && told[13] == 2 && told[14] == 1 && told[16] == 0)
        }
    }

    @Test func aBatchGathersWhatArrivesWithinItsWindowAndNoMoreThanItsSize() async throws {
        try await withConsumer(.batched, batchSize: 3, gather: .seconds(2)) { client, schema, events, publisher, _ in
            Self.batches.withLock { $0 = [] }
            // Seq 1 opens a batch's window; 2 and 3 come inside it (a tenth of it later) and fill
            // it; 4, behind them, opens the next one and is handled when its window closes.
            try await publisher.publish([events.message(seq: 1)])
            try await Task.sleep(for: .milliseconds(200))
            try await publisher.publish((2...4).map { events.message(seq: $0) })
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled", client) == 4
                })
            #expect(Self.batches.withLock { $0 } == [[1, 2, 3], [4]])
        }
    }

    @Test func aBatchIsHandledByItsFirstTryTogetherAndWhatItLeavesTheUsualWay() async throws {
        try await withConsumer(.firstTryTogether) { client, schema, events, publisher, _ in
            let before = Self.firstTries.load(ordering: .relaxed)
            let ids = (0..<12).map { _ in UUID() }
            try await publisher.publish((6...17).map { events.message(seq: $0, id: ids[$0 - 6]) })
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled", client) == 12
                })
            // Published at once, most arrive in batches: the first try took some of them.
            #expect(Self.firstTries.load(ordering: .relaxed) > before)
            // A redelivery in a batch fails the first try's statement (its claim): the usual way
            // skips it and handles the others.
            try await publisher.publish([events.message(seq: 7, id: ids[1]), events.message(seq: 20), events.message(seq: 22)])
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled", client) == 14
                })
            // Seq 7 twice would be a fifteenth row.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).handled", client) == 14)
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).inbox", client) == 14)
        }
    }

    /// A message handled a moment ago can still be redelivered (its ack lost with a connection):
    /// pruning keeps its inbox row, so the redelivery is still recognised.
    @Test func pruningKeepsWhatARedeliveryStillNeeds() async throws {
        try await withConsumer { client, schema, events, publisher, _ in
            let id = UUID()
            try await publisher.publish([events.message(seq: 1, id: id)])
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled", client) == 1
                })
            #expect(try await Inbox(schema: schema, retention: .seconds(3_600)).prune(client, logger: TestServers.logger) == 0)
            try await publisher.publish([events.message(seq: 1, id: id), events.message(seq: 2)])
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 2", client) == 1
                })
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 1", client) == 1)
        }
    }

    @Test func anUndecodableMessageGoesStraightToTheDeadLetters() async throws {
        try await withConsumer { client, schema, events, publisher, queue in
            try await publisher.publish([
                OutgoingMessage(exchange: Exchanges.events, routingKey: events.type, body: Array("not json".utf8)),
                events.message(seq: 3),
            ])
            let dead = try await deadLetters(of: queue, in: schema, client: client, publisher: publisher, expecting: 1)
            #expect(dead.count == 1)
            #expect(dead.first?.body == "not json")
            #expect(dead.first?.attempts == 1)
            #expect(dead.first?.error.contains("cannot decode") == true)
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 3", client) == 1
                })
        }
    }

    /// A publisher may use only its own routing keys (the broker's topic permissions), so an
    /// event whose type is not the key it came under is dead-lettered at once: on
    /// `orchestrator.events` the broker's routing key counts, back from a retry the header.
    @Test func anEventUnderAnotherTypesRoutingKeyGoesStraightToTheDeadLetters() async throws {
        try await withConsumer { client, schema, events, publisher, queue in
            var disguised = events.message(seq: 1)
            disguised.type = "task.completed"
            var forged = events.message(seq: 2)
            forged.exchange = Exchanges.retry
            forged.routingKey = queue
            forged.headers = [DeliveryHeaders.routingKey: .string("task.completed")]
            try await publisher.publish([disguised, forged, events.message(seq: 3)])
            let dead = try await deadLetters(of: queue, in: schema, client: client, publisher: publisher, expecting: 2)
            #expect(dead.map(\.attempts) == [1, 1])
            #expect(
                dead.map(\.error) == [
                    "the event type task.completed came under the routing key \(events.type)",
                    "the event type \(events.type) came under the routing key task.completed",
                ])
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 3", client) == 1
                })
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq < 3", client) == 0)
        }
    }

    @Test func aDeadLetterIsReplayedOnceItsCauseIsFixedAndTakesEffectOnce() async throws {
        Self.seventhBroken.store(true, ordering: .relaxed)
        defer { Self.seventhBroken.store(false, ordering: .relaxed) }
        try await withConsumer { client, schema, events, publisher, queue in
            let store = DeadLetterStore(schema: schema, database: client, publisher: publisher, logger: TestServers.logger)
            try await publisher.publish([events.message(seq: 7), events.message(seq: 8)])
            let first = try #require(try await deadLetters(of: queue, in: schema, client: client, publisher: publisher, expecting: 1).first)
            #expect(first.attempts == 3 && first.error.contains("until the test fixes it"))
            // Replayed before the cause is fixed: back in the dead letters after its attempts.
            #expect(try await store.replay(first.id))
            #expect(
                try await TestServers.eventually {
                    try await store.list(.init(queue: queue), limit: 10, before: nil).map(\.messageId) == [first.messageId]
                })
            Self.seventhBroken.store(false, ordering: .relaxed)
            #expect(try await store.replayAll(.init(queue: queue, type: events.type)) == 1)
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 7", client) == 1
                })
            #expect(try await store.list(.init(), limit: 10, before: nil).isEmpty)
            // The same message once more (a replay whose delete was lost): the inbox skips it.
            try await publisher.publish([
                OutgoingMessage(
                    exchange: Exchanges.retry, routingKey: queue, body: Array((first.body ?? "").utf8), messageId: first.messageId,
                    type: first.type, headers: [DeliveryHeaders.routingKey: .string(events.type)])
            ])
            try await publisher.publish([events.message(seq: 9)])
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 9", client) == 1
                })
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 7", client) == 1)
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).handled WHERE seq = 8", client) == 1)
        }
    }

    @Test func theSameMessageDeadTwiceIsOneLetterAndMessagesWithoutIdsAreEachTheirOwn() async throws {
        try await withConsumer { client, schema, events, publisher, queue in
            let store = DeadLetterStore(schema: schema, database: client, publisher: publisher, logger: TestServers.logger)
            let id = UUID().uuidString
            let twice = OutgoingMessage(
                exchange: Exchanges.events, routingKey: events.type, body: Array("{}".utf8), messageId: id, type: events.type)
            let anonymous = OutgoingMessage(exchange: Exchanges.events, routingKey: events.type, body: Array("not json".utf8))
            // Published together, the copies often reach `<queue>.dead` in one batch, which one
            // statement could not keep (a row updated twice): together or not, one letter counts both.
            // Messages without an id were all one row ('') before they got one each.
            try await publisher.publish([twice, twice, anonymous, anonymous])
            #expect(
                try await TestServers.eventually {
                    try await store.list(.init(queue: queue), limit: 10, before: nil).map(\.times).reduce(0, +) == 4
                })
            let letters = try await store.list(.init(queue: queue), limit: 10, before: nil)
            #expect(letters.filter { $0.messageId == id }.map(\.times) == [2])
            let unnamed = letters.filter { $0.messageId.hasPrefix("none:") }
            #expect(unnamed.count == 2 && unnamed.allSatisfy { $0.times == 1 })
        }
    }

    @Test func aDiscardedDeadLetterIsGone() async throws {
        try await withConsumer { client, schema, events, publisher, queue in
            let store = DeadLetterStore(schema: schema, database: client, publisher: publisher, logger: TestServers.logger)
            try await publisher.publish([events.message(seq: 5), events.message(seq: 6)])
            let letter = try #require(
                try await deadLetters(of: queue, in: schema, client: client, publisher: publisher, expecting: 1).first)
            #expect(try await store.list(.init(type: "no.such.type"), limit: 10, before: nil).isEmpty)
            #expect(try await store.discard(letter.id))
            #expect(try await store.find(letter.id) == nil)
            #expect(try await store.discard(letter.id) == false)
            #expect(try await store.replay(letter.id) == false)
            #expect(try await store.discardAll(.init()) == 0)
        }
    }

    @Test func pipelinedPublishesArriveInOrder() async throws {
        try await withConsumer { client, schema, events, publisher, _ in
            let messages = (6...1_005).map { events.message(seq: $0) }
            try await publisher.publish(messages)
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).handled", client) == 1_000
                })
            let order = try await client.query(PostgresQuery(unsafeSQL: "SELECT seq FROM \(schema).handled ORDER BY at, seq"))
                .collect().map { try $0.decode(Int.self) }
            #expect(order == Array(6...1_005))
        }
    }
}
