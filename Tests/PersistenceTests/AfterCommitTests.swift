import Persistence
import Synchronization
import Testing

/// What waits for a commit runs after it, never before and never after a rollback (no I/O: the
/// scope is what `PostgresClient.transaction` wraps its body in).
struct AfterCommitTests {
    struct Rollback: Error {}

    final class Record: Sendable {
        let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test func insideAScopeTheActionWaitsUntilTheScopeReturns() async throws {
        let record = Record()
        let seenInside = try await AfterCommit.scope {
            AfterCommit.perform { record.add("action") }
            return record.all
        }
        #expect(seenInside == [])
        #expect(record.all == ["action"])
    }

    @Test func aScopeThatThrowsRunsNothing() async {
        let record = Record()
        await #expect(throws: Rollback.self) {
            try await AfterCommit.scope {
                AfterCommit.perform { record.add("action") }
                throw Rollback()
            }
        }
        #expect(record.all == [])
    }

    @Test func outsideAScopeTheActionRunsAtOnce() {
        let record = Record()
        AfterCommit.perform { record.add("action") }
        #expect(record.all == ["action"])
    }

    @Test func childTasksOfTheScopeDeferTheirActionsToo() async throws {
        let record = Record()
        try await AfterCommit.scope {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { AfterCommit.perform { record.add("action") } }
            }
            record.add("body done")
        }
        #expect(record.all == ["body done", "action"])
    }
}
