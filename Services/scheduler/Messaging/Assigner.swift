import EventBackbone
import EventContracts
import Foundation
import KeyValueStore
import Logging
import Metrics
import Persistence
import PostgresNIO
import Resilience
import ServiceLifecycle
import Synchronization
import Telemetry

/// Runs assignment rounds: at once whenever something that can make an assignment possible
/// happens (`wake()`), and every sweep interval as a safety net — or, for a task created while no
/// round runs, right after the statement that consumes its creation (`created`). A round plans
/// with the pure policy, then makes each proposal under Redis locks on the task and the employee,
/// in one statement whose conditional updates keep it correct even if a lock expires midway.
final class Assigner: Service, Sendable {
    private let store: SchedulerStore
    private let redis: RedisConnection
    private let settings: SchedulerSettings
    private let logger: Logger
    private let signal = WakeSignal()
    /// One round at a time in this process: the assigner's or a creation's.
    let gate = RoundGate()
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
                // A creation's round is running: it wakes this loop again when it leaves (so no
                // shorter wait is needed, and a retry's zero wait must not spin meanwhile).
                guard self.gate.enter() else {
                    next = self.settings.sweepInterval
                    continue
                }
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
                // A creation turned away meanwhile joined the queue by itself, and its commit woke
                // this loop.
                _ = self.gate.leave()
            }
        }
    }

    /// One round: read, plan with the pure policy, lock the planned tasks and employees in Redis
    /// (one pipeline), and make every proposal whose locks were free in one statement (no
    /// transaction around it); release the locks after it. Returns whether some planned
    /// proposals could not be made.
    func round() async throws -> Bool {
        let started = HopLatency.now()
        guard let plan = planned(try await store.roundInputs(limit: settings.roundSize)) else { return false }
        let round = try await store.client.withConnection { connection in try await propose(plan, on: connection) }
        return await finish(round.made, started: started, releasing: round.held)
    }

    /// A `task.created` arriving alone, as the scheduler's consumer's first try: when no round
    /// runs in this process, one autocommitted statement makes the task join the queue, claims
    /// the message and reads what a round plans from; the round it makes possible is then
    /// planned and proposed at once (one more statement, after Redis's locks) — no wake-up and
    /// no transaction between the creation and its offer (docs/scheduling.md). When a round
    /// runs, or other deliveries wait behind this one (`EventConsumer.waitingBehind`), the task
    /// joins the queue by itself (`SchedulerStore.createdAlone`) and the assigner's next round,
    /// woken by the commit, takes it. `.declined` (nothing written) when the scheduler has a
    /// view of the task already; when it throws, nothing was written and the usual way takes the
    /// delivery. Once the view has committed, a round that fails or hangs (given up after
    /// `ORCH_SCHEDULER_ROUND_TIMEOUT`, its connection closed) is left to the assigner: `.handled`.
    func created(
        _ event: EventEnvelope<TaskCreated>, claim: InboxClaim, on connection: PostgresConnection
    ) async throws
        -> FirstTryOutcome
    {
        let trace = EventTrace.handling(event.id)
        // A round holds the consumer for its length: with deliveries waiting behind this one, the
        // task joins the queue alone and the assigner's round, beside the consumer, takes it.
        guard EventConsumer.waitingBehind == 0, gate.enter() else {
            let written = try await store.createdAlone(event.data, at: event.occurredAt, trace: trace, claim: claim, on: connection)
            return written ? .handled : .declined
        }
        // The assigner, turned away while this round ran, looks again.
        defer { if gate.leave() { wake() } }
        let started = HopLatency.now()
        // A round whose query hangs as PostgreSQL restarts is given up, as the assigner gives up
        // its own (its Redis locks then expire): the gate must never stay taken by it. Its
        // connection, under the hung query, is closed rather than handed back.
        let inputs: SchedulerStore.RoundInputs?
        do {
            inputs = try await withDeadline(settings.roundTimeout) { [self] in
                try await store.createdWithRoundInputs(
                    event.data, at: event.occurredAt, trace: trace, claim: claim, limit: settings.roundSize, on: connection)
            }
        } catch let error as TimeoutError {
            connection.closeWithoutWaiting()
            throw error
        }
        guard let inputs else { return .declined }
        // The view and the claim have committed: from here on, whatever happens, the delivery is
        // handled, and a round that could not be made is the assigner's.
        guard let plan = planned(inputs) else { return .handledAndFollowedUp }
        let round: (made: Made, held: [RedisLock])
        do {
            round = try await withDeadline(settings.roundTimeout) { [self] in try await propose(plan, on: connection) }
        } catch {
            if error is TimeoutError { connection.closeWithoutWaiting() }
            logger.warning("a creation's round failed; the assigner takes it", metadata: ["error": "\(error)"])
            return .handled
        }
        // A round that could not make all it planned leaves the rest to the assigner, woken as
        // after any creation; one that could has done what that round would have.
        return await finish(round.made, started: started, releasing: round.held) ? .handled : .handledAndFollowedUp
    }

    /// A round's plan: the proposals the policy makes of `inputs`, with each task's skills and
    /// the traces its proposals continue. Nil when nothing can be proposed.
    private func planned(_ inputs: SchedulerStore.RoundInputs) -> Planned? {
        guard !inputs.queue.isEmpty, !inputs.candidates.isEmpty else { return nil }
        let proposals = AssignmentPolicy(agingStep: settings.agingStep).plan(
            queue: inputs.queue, candidates: inputs.candidates, at: Date())
        guard !proposals.isEmpty else { return nil }
        let skills = Dictionary(inputs.queue.map { ($0.id, $0.requiredSkills) }, uniquingKeysWith: { first, _ in first })
        return Planned(proposals: proposals, skills: skills, traces: inputs.traces)
    }

    /// What a round plans to propose.
    private struct Planned: Sendable {
        var proposals: [AssignmentPolicy.Proposal]
        var skills: [UUID: Set<String>]
        var traces: [UUID: TraceParent]
    }

    /// What a round tried (the planned proposals whose locks it got) and what became of each.
    private struct Made: Sendable {
        var plan: Planned?
        var intents: [SchedulerStore.Intent] = []
        var outcomes: [Result<AssignmentProposed, SchedulerStore.Refusal>] = []
    }

    /// Makes `plan`'s proposals under Redis locks, returned to release after the statement: the
    /// locks first, in one pipeline, then one statement with the proposals that got theirs
    /// (`SchedulerStore.propose`), which locks the employees' and the tasks' rows only while it
    /// runs. The locks are released when it throws; one given up on (a deadline) leaves them to
    /// expire.
    private func propose(_ plan: Planned, on connection: PostgresConnection) async throws -> (made: Made, held: [RedisLock]) {
        let locked = await lock(plan)
        do {
            let outcomes = try await store.propose(locked.intents, on: connection)
            return (Made(plan: plan, intents: locked.intents, outcomes: outcomes), locked.held)
        } catch {
            await release(locked.held)
            throw error
        }
    }

    /// Takes locks on every planned task and employee in one pipeline and returns them with the
    /// proposals that got both, to make. When Redis cannot be reached every proposal goes ahead
    /// — the database alone keeps them correct; the locks only keep replicas out of each other's
    /// way.
    private func lock(_ plan: Planned) async -> (intents: [SchedulerStore.Intent], held: [RedisLock]) {
        func keys(_ proposal: AssignmentPolicy.Proposal) -> (task: String, employee: String) {
            ("scheduler:lock:task:\(proposal.taskId)", "scheduler:lock:employee:\(proposal.employeeId)")
        }
        var granted = plan.proposals
        var held: [RedisLock] = []
        do {
            let acquired = try await RedisLock.acquire(
                plan.proposals.flatMap { [keys($0).task, keys($0).employee] }, ttl: settings.lockTTL, on: redis)
            held = Array(acquired.values)
            granted = plan.proposals.filter { acquired[keys($0).task] != nil && acquired[keys($0).employee] != nil }
        } catch {
            logger.warning("redis unavailable; proposing without locks", metadata: ["error": "\(error)"])
        }
        // Each proposal continues the trace of its task's creation, in a span of its own when
        // spans are exported.
        let exporting = SpanExport.isOn
        let intents = granted.map { proposal in
            SchedulerStore.Intent(
                taskId: proposal.taskId, expectedVersion: proposal.expectedVersion, employeeId: proposal.employeeId,
                requiredSkills: plan.skills[proposal.taskId] ?? [], manual: false, correlationId: UUID.random(), causationId: nil,
                trace: plan.traces[proposal.taskId].map { exporting && $0.sampled ? $0.child() : $0 }
            )
        }
        return (intents, held)
    }

    /// After a round's commit: its time and spans recorded, the locks released (the proposals
    /// are on their way — the relay has them — the release is not), the proposals counted.
    /// Returns whether some planned proposals could not be made.
    private func finish(_ made: Made, started: Int64, releasing held: [RedisLock]) async -> Bool {
        guard let plan = made.plan else { return false }
        roundTime.recordNanoseconds((HopLatency.now() - started) * 1_000)
        if SpanExport.isOn { recordSpans(made.intents, outcomes: made.outcomes, parents: plan.traces, from: UInt64(started) * 1_000) }
        await release(held)
        let count = made.outcomes.filter { if case .success = $0 { true } else { false } }.count
        proposals.increment(by: count)
        conflicts.increment(by: plan.proposals.count - count)
        return count < plan.proposals.count
    }

    private func release(_ locks: [RedisLock]) async {
        guard !locks.isEmpty else { return }
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
