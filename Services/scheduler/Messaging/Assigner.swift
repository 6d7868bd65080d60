import EventBackbone
import EventContracts
import Foundation
import KeyValueStore
import Logging
import Metrics
import Persistence
import Resilience
import ServiceLifecycle
import Synchronization
import Telemetry

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
    private let proposals = Counter(label: "orchestrator_proposals_total")
    private let conflicts = Counter(label: "orchestrator_proposal_conflicts_total")
    /// The first wake no round has answered yet (`HopLatency.now()`), and the two hops it times.
    private let woken = Mutex<Int64?>(nil)
    private let wakeDelay = Timer(label: HopLatency.assignmentWake, preferredDisplayUnit: .seconds)
    private let roundTime = Timer(label: HopLatency.assignmentRound, preferredDisplayUnit: .seconds)

    init(store: SchedulerStore, redis: RedisConnection, settings: SchedulerSettings, logger: Logger) {
        self.store = store
        self.redis = redis
        self.settings = settings
        self.logger = logger
    }

    /// Asks for a round as soon as possible.
    func wake() {
        let now = HopLatency.now()
        woken.withLock { if $0 == nil { $0 = now } }
        signal.signal()
    }

    func run() async {
        await cancelWhenGracefulShutdown {
            var next = self.settings.sweepInterval
            // A failed round (a deadlock, a database restart) is tried again at once, then at
            // growing intervals up to the sweep interval while the failures go on.
            let retry = Backoff(initial: .milliseconds(10), maximum: max(.milliseconds(10), self.settings.sweepInterval))
            var failures = 0
            while !Task.isCancelled {
                await self.signal.wait(timeout: next)
                guard !Task.isCancelled else { break }
                if let since = self.woken.withLock({ woken -> Int64? in
                    defer { woken = nil }; return woken
                }) {
                    self.wakeDelay.recordNanoseconds(max(0, HopLatency.now() - since) * 1_000)
                }
                do {
                    // When some planned pairs could not be made (another replica, or a change in
                    // between), plan again soon with fresh data — soon, not at once, so a lock
                    // held by a crashed replica does not turn into a busy loop. A round that
                    // hangs (a query lost as PostgreSQL restarts never returns) is given up.
                    let partial = try await withDeadline(self.settings.roundTimeout) { try await self.round() }
                    next = partial ? .milliseconds(20) : self.settings.sweepInterval
                    failures = 0
                } catch {
                    next = failures == 0 ? .zero : retry.delay(attempt: failures - 1)
                    failures += 1
                    self.logger.warning("assignment round failed", metadata: ["error": "\(error)", "retry.in": "\(next)"])
                }
            }
        }
    }

    /// One round: plan with the pure policy, lock the planned tasks and employees in Redis (one
    /// pipeline), make every proposal whose locks were free in one transaction, release the
    /// locks. Returns whether some planned proposals could not be made.
    func round() async throws -> Bool {
        let started = HopLatency.now()
        let (queue, candidates, traces) = try await store.roundInputs(limit: settings.roundSize)
        guard !queue.isEmpty, !candidates.isEmpty else { return false }
        let plan = AssignmentPolicy(agingStep: settings.agingStep).plan(queue: queue, candidates: candidates, at: Date())
        guard !plan.isEmpty else { return false }
        let skills = Dictionary(queue.map { ($0.id, $0.requiredSkills) }, uniquingKeysWith: { first, _ in first })

        let locks = await lock(plan)
        // Each proposal continues the trace of its task's creation, in a span of its own when
        // spans are exported.
        let exporting = SpanExport.isOn
        let intents = plan.enumerated().filter { locks.granted[$0.offset] }.map { _, proposal in
            SchedulerStore.Intent(
                taskId: proposal.taskId, expectedVersion: proposal.expectedVersion, employeeId: proposal.employeeId,
                requiredSkills: skills[proposal.taskId] ?? [], manual: false, correlationId: UUID.random(), causationId: nil,
                trace: traces[proposal.taskId].map { exporting && $0.sampled ? $0.child() : $0 }
            )
        }
        let outcomes: [Result<AssignmentProposed, SchedulerStore.Refusal>]
        do {
            outcomes = try await store.client.transaction(logger: logger) { connection in
                try await store.propose(intents, on: connection)
            }
        } catch {
            await release(locks.held)
            throw error
        }
        // The proposals are on their way (the relay has them): the locks' release is not.
        roundTime.recordNanoseconds((HopLatency.now() - started) * 1_000)
        if exporting { recordSpans(intents, outcomes: outcomes, parents: traces, from: UInt64(started) * 1_000) }
        await release(locks.held)
        let made = outcomes.filter { if case .success = $0 { true } else { false } }.count
        proposals.increment(by: made)
        conflicts.increment(by: plan.count - made)
        return made < plan.count
    }

    /// Locks on every planned task and employee, taken in one pipeline: which proposals got both,
    /// and the locks to release. When Redis cannot be reached every proposal goes ahead — the
    /// database alone keeps them correct; the locks only keep replicas out of each other's way.
    private func lock(_ plan: [AssignmentPolicy.Proposal]) async -> (granted: [Bool], held: [RedisLock]) {
        func keys(_ proposal: AssignmentPolicy.Proposal) -> (task: String, employee: String) {
            ("scheduler:lock:task:\(proposal.taskId)", "scheduler:lock:employee:\(proposal.employeeId)")
        }
        let acquired: [String: RedisLock]
        do {
            acquired = try await RedisLock.acquire(plan.flatMap { [keys($0).task, keys($0).employee] }, ttl: settings.lockTTL, on: redis)
        } catch {
            logger.warning("redis unavailable; proposing without locks", metadata: ["error": "\(error)"])
            return (Array(repeating: true, count: plan.count), [])
        }
        let granted = plan.map { acquired[keys($0).task] != nil && acquired[keys($0).employee] != nil }
        return (granted, Array(acquired.values))
    }

    private func release(_ locks: [RedisLock]) async {
        try? await RedisLock.release(locks, on: redis)
    }
}

extension Assigner {
    /// A span for each traced proposal the round made or tried: the round, from reading its
    /// inputs to the commit, as part of the task's trace.
    fileprivate func recordSpans(
        _ intents: [SchedulerStore.Intent], outcomes: [Result<AssignmentProposed, SchedulerStore.Refusal>],
        parents: [UUID: TraceParent], from start: UInt64
    ) {
        let end = FinishedSpan.now()
        for (intent, outcome) in zip(intents, outcomes) {
            guard let own = intent.trace, own.sampled, let parent = parents[intent.taskId] else { continue }
            var refusal: String?
            if case .failure(let refused) = outcome { refusal = refused.reason }
            SpanExport.submit(
                FinishedSpan(
                    name: "scheduler propose", kind: .internal, trace: own, parent: parent.spanId, start: start, end: end,
                    attributes: [("task.id", .string(intent.taskId.uuidString)), ("employee.id", .string(intent.employeeId.uuidString))],
                    error: refusal))
        }
    }
}
