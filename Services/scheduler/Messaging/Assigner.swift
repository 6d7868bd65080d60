import EventBackbone
import Foundation
import KeyValueStore
import Logging
import Metrics
import Persistence
import ServiceLifecycle

/// Runs assignment rounds: at once whenever something that can make an assignment possible
/// happens (`wake()`), and every sweep interval as a safety net. A round plans with the pure
/// policy, then makes each proposal under Redis locks on the task and the employee, in a
/// transaction whose conditional updates keep it correct even if a lock expires midway.
final class Assigner: Service, Sendable {
    private let store: SchedulerStore
    private let redis: RedisConnection
    private let settings: SchedulerSettings
    private let logger: Logger
    private let signal = WakeSignal()
    private let proposals = Counter(label: "scheduler_proposals_total")
    private let conflicts = Counter(label: "scheduler_proposal_conflicts_total")

    init(store: SchedulerStore, redis: RedisConnection, settings: SchedulerSettings, logger: Logger) {
        self.store = store
        self.redis = redis
        self.settings = settings
        self.logger = logger
    }

    /// Asks for a round as soon as possible.
    func wake() { signal.signal() }

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.signal.wait(timeout: self.settings.sweepInterval)
                guard !Task.isCancelled else { break }
                do {
                    try await self.round()
                } catch {
                    self.logger.warning("assignment round failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// One round: plan, then propose each pair; returns how many proposals were made.
    @discardableResult
    func round() async throws -> Int {
        let queue = try await store.queue(limit: settings.roundSize)
        guard !queue.isEmpty else { return 0 }
        let candidates = try await store.candidates()
        guard !candidates.isEmpty else { return 0 }
        let plan = AssignmentPolicy(agingStep: settings.agingStep).plan(queue: queue, candidates: candidates, at: Date())
        var made = 0
        for proposal in plan where try await make(proposal) { made += 1 }
        if made < plan.count { wake() }  // someone else moved first: plan again with fresh data
        return made
    }

    private func make(_ proposal: AssignmentPolicy.Proposal) async throws -> Bool {
        guard let taskLock = await lock("scheduler:lock:task:\(proposal.taskId)", waiting: .zero) else {
            conflicts.increment()
            return false
        }
        guard let employeeLock = await lock("scheduler:lock:employee:\(proposal.employeeId)", waiting: .milliseconds(50)) else {
            await release(taskLock)
            conflicts.increment()
            return false
        }
        let made: Bool
        do {
            let proposed = try await store.client.transaction(logger: logger) { connection in
                try await store.propose(
                    taskId: proposal.taskId, expectedVersion: proposal.expectedVersion, to: proposal.employeeId, manual: false,
                    correlationId: UUID(), causationId: nil, on: connection
                )
            }
            proposals.increment()
            logger.debug("proposed", metadata: ["task.id": "\(proposed.taskId)", "employee.id": "\(proposed.employeeId)"])
            made = true
        } catch let refusal as SchedulerStore.Refusal {
            conflicts.increment()
            logger.debug("proposal not made", metadata: ["task.id": "\(proposal.taskId)", "reason": "\(refusal.reason)"])
            made = false
        } catch {
            await release(employeeLock)
            await release(taskLock)
            throw error
        }
        await release(employeeLock)
        await release(taskLock)
        return made
    }

    /// A lock, `.some(nil)` when Redis cannot be reached (the database alone keeps proposals
    /// correct, so assignment goes on without it), or nil when another replica holds the key.
    private func lock(_ key: String, waiting: Duration) async -> RedisLock?? {
        do {
            let lock = waiting > .zero
                ? try await RedisLock.acquire(key, ttl: settings.lockTTL, waitingUpTo: waiting, on: redis)
                : try await RedisLock.acquire(key, ttl: settings.lockTTL, on: redis)
            return lock.map { .some($0) }
        } catch {
            logger.warning("redis unavailable; proposing without a lock", metadata: ["error": "\(error)"])
            return .some(nil)
        }
    }

    private func release(_ lock: RedisLock?) async {
        guard let lock else { return }
        _ = try? await lock.release(on: redis)
    }
}
