import EventBackbone
import EventContracts
import Foundation
import Messaging
import Testing

/// Each service's broker user may publish only the event types it owns and reach only its own
/// queues; `compose/rabbitmq/permissions.conf`, which the stacks apply, is exactly that.
@Suite struct BrokerPermissionsTests {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    @Test(arguments: EventPublisher.allCases)
    func aServicePublishesOnlyItsOwnTypes(service: EventPublisher) throws {
        let events = try #require(BrokerPermissions(for: service).topics.first { $0.exchange == Exchanges.events })
        for payload in EventCatalogue.all {
            #expect(Self.matches(events.write, payload.eventType) == (payload.publisher == service), "\(service) \(payload.eventType)")
            #expect(!Self.matches(events.write, payload.eventType + "x") && !Self.matches(events.write, "x" + payload.eventType))
        }
        // A dot is a dot: `task.created` does not let the tasks service say `taskXcreated`.
        #expect(!Self.matches(events.write, "taskXcreated"))
    }

    @Test func aServiceReachesOnlyItsOwnQueuesAndTheSharedExchanges() throws {
        let tasks = BrokerPermissions(for: .tasks)
        #expect(tasks.user == "orch_tasks")
        for pattern in [tasks.resources] {
            for allowed in [
                "tasks.scheduling", "tasks.scheduling.retry", "tasks.scheduling.dead", "orchestrator.events", "orchestrator.retry",
            ] {
                #expect(Self.matches(pattern, allowed), "\(allowed)")
            }
            for refused in ["scheduler.events", "notifier.feed.dead", "amq.default", "", "orchestrator.eventsx", "xtasks.scheduling"] {
                #expect(!Self.matches(pattern, refused), "\(refused)")
            }
        }
        for exchange in [Exchanges.retry, Exchanges.deadLetters] {
            let topic = try #require(tasks.topics.first { $0.exchange == exchange })
            #expect(Self.matches(topic.write, "tasks.scheduling.retry") && Self.matches(topic.read, "tasks.scheduling"))
            #expect(!Self.matches(topic.write, "scheduler.events") && !Self.matches(topic.read, "scheduler.events.retry"))
        }
    }

    /// The file the stacks apply is the contracts' word; after a change to them, copy the
    /// expected file this test writes into `.build/` over the old one.
    @Test func theStacksFileIsMadeFromTheContracts() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../..")
        let committed = try String(contentsOf: root.appending(path: "compose/rabbitmq/permissions.conf"), encoding: .utf8)
        let expected = BrokerPermissions.file()
        if committed != expected {
            try? expected.write(to: root.appending(path: ".build/permissions.conf"), atomically: true, encoding: .utf8)
        }
        #expect(committed == expected, "compose/rabbitmq/permissions.conf is out of date: see .build/permissions.conf")
    }
}
