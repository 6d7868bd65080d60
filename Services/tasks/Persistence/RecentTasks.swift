import Foundation
import Synchronization

/// The tasks this process last wrote, each as committed at its version: a hint that lets a
/// transition skip reading the row (docs/tasks.md, "One round trip per transition").
///
/// A transition applies the rules to the hint and writes on the condition that the row is still
/// at the hint's version. Every change to a task's record moves its version and a version is
/// committed at most once, so a write that succeeds applied the rules to the row exactly as it
/// was. A hint another replica or the sweeper has overtaken costs no more than no hint: the same
/// statement returns the row as it is, and the transition is decided again from that. Only
/// committed writes become hints (`AfterCommit`) — a rolled-back one could name a version that
/// later commits with other contents.
final class RecentTasks: Sendable {
    private struct State {
        var records: [UUID: TaskRecord] = [:]
        var hits = 0
        var misses = 0
    }

    private let state = Mutex(State())
    /// Beyond this many live tasks the hints start again from nothing (a transition without one
    /// reads the row, as it always did).
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// The task as this process last committed it, if it did.
    func hint(_ id: UUID) -> TaskRecord? {
        state.withLock { $0.records[id] }
    }

    /// `record` committed: the next transition of the task may start from it. A finished task
    /// is forgotten (it rarely moves again).
    func committed(_ record: TaskRecord) {
        state.withLock { state in
            if record.status.isTerminal {
                state.records.removeValue(forKey: record.id)
                return
            }
            if state.records.count >= capacity, state.records[record.id] == nil { state.records.removeAll(keepingCapacity: true) }
            state.records[record.id] = record
        }
    }

    /// Whether a hint was written as it was (`hit`) or was overtaken or refused (`miss`).
    func count(hit: Bool) {
        state.withLock { state in
            if hit { state.hits += 1 } else { state.misses += 1 }
        }
    }

    var counts: (hits: Int, misses: Int) {
        state.withLock { ($0.hits, $0.misses) }
    }
}
