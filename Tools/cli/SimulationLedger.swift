import Foundation

/// What the simulated employees saw: every task's creation, offers, completion or failure. An
/// offer of a task someone else still holds, or a second completion, is a duplicate.
actor Ledger {
    struct Entry {
        var priority = 0
        /// Nil for a task this run did not create (another client's, offered to our employees:
        /// they handle it, the report leaves it out) — or whose creation has not been recorded yet.
        var createdAt: Date?
        var firstOfferAt: Date?
        var holder: UUID?
        var completions = 0
        var finalFailure = false
        /// When an employee first saw it end (completed, or failed for good).
        var endedAt: Date?
        /// Offers received (each a different employee, or the same one again after letting go).
        var offers = 0
        /// Why an employee last let go of it without ending it (for the report's disagreements).
        var lastRelease: String?
        var terminal: Bool { completions > 0 || finalFailure }
    }

    private var all: [UUID: Entry] = [:]
    /// The tasks this run created.
    var entries: [UUID: Entry] { all.filter { $0.value.createdAt != nil } }
    private(set) var duplicates: [String] = []
    /// The tasks each of those lines is about.
    private(set) var duplicatedTasks: Set<UUID> = []
    /// Offered to one employee while another still held it, as far as we knew: a handover when
    /// the other's failure was committed first but answered later, a duplicate when the server
    /// never made that many assignments. The report tells them apart with the audit trail.
    private(set) var overlaps: [UUID: String] = [:]
    private(set) var completedBy: [UUID: Int] = [:]

    /// What an employee does to a task they hold, and the event the admin's feed shows for it.
    enum Action: String, CaseIterable, Sendable {
        case accept, progress, complete, fail
        var eventType: String {
            switch self {
            case .accept: "task.accepted"
            case .progress: "task.progressed"
            case .complete: "task.completed"
            case .fail: "task.failed"
            }
        }
    }

    /// When an employee first sent each action's request, and when the admin's feed first showed
    /// its event, by task (`simulate --admin-watching`).
    private var actedAt: [Action: [UUID: Date]] = [:]
    private var adminSawAt: [Action: [UUID: Date]] = [:]

    func acting(_ action: Action, on task: UUID) {
        if actedAt[action, default: [:]][task] == nil { actedAt[action, default: [:]][task] = Date() }
    }

    func adminSaw(_ eventType: String, of task: UUID, at: Date) {
        guard let action = Action.allCases.first(where: { $0.eventType == eventType }) else { return }
        if adminSawAt[action, default: [:]][task] == nil { adminSawAt[action, default: [:]][task] = at }
    }

    /// Actions taken on this run's tasks that the admin's feed has not shown yet.
    var awaitingAdmin: Int {
        let ours = Set(entries.keys)
        return actedAt.reduce(0) { count, acted in
            count + acted.value.keys.filter { ours.contains($0) && adminSawAt[acted.key]?[$0] == nil }.count
        }
    }

    /// Milliseconds from each action's request to the admin's feed showing it, by action, for
    /// this run's tasks.
    var actionToAdmin: [Action: [Double]] {
        let ours = Set(entries.keys)
        var delays: [Action: [Double]] = [:]
        for (action, seen) in adminSawAt {
            for (task, at) in seen where ours.contains(task) {
                guard let acted = actedAt[action]?[task] else { continue }
                delays[action, default: []].append(at.timeIntervalSince(acted) * 1_000)
            }
        }
        return delays
    }

    /// Its offer may have reached an employee before the creation's answer reached us.
    func created(_ task: UUID, priority: Int, at: Date) {
        all[task, default: Entry()].priority = priority
        all[task]?.createdAt = at
        if let offered = all[task]?.firstOfferAt, offered < at { all[task]?.firstOfferAt = at }
    }

    /// Records an offer; false when it is one this employee already holds (nothing to do).
    func offered(_ task: UUID, to employee: UUID, at: Date) -> Bool {
        var entry = all[task] ?? Entry()
        if entry.holder == employee { return false }
        if let holder = entry.holder { overlaps[task] = "\(task) offered to \(employee) while \(holder) held it" }
        if entry.terminal { duplicate(task, "\(task) offered again after it ended") }
        entry.holder = employee
        entry.offers += 1
        if entry.firstOfferAt == nil { entry.firstOfferAt = at }
        all[task] = entry
        return true
    }

    func completed(_ task: UUID, by employee: UUID) {
        all[task]?.completions += 1
        all[task]?.holder = nil
        if all[task]?.endedAt == nil { all[task]?.endedAt = Date() }
        if (all[task]?.completions ?? 0) > 1 { duplicate(task, "\(task) completed twice") }
        if all[task]?.createdAt != nil { completedBy[employee, default: 0] += 1 }
    }

    func failed(_ task: UUID, by employee: UUID, final: Bool) {
        all[task]?.holder = nil
        if final {
            all[task]?.finalFailure = true
            if all[task]?.endedAt == nil { all[task]?.endedAt = Date() }
        }
    }

    private func duplicate(_ task: UUID, _ line: String) {
        duplicates.append(line)
        duplicatedTasks.insert(task)
    }

    /// The employee let go of the task without ending it (the offer expired or was withdrawn).
    func released(_ task: UUID, by employee: UUID, reason: String) {
        if all[task]?.holder == employee { all[task]?.holder = nil }
        all[task]?.lastRelease = reason
    }

    var open: Int { entries.values.filter { !$0.terminal }.count }

    var counts: (created: Int, completed: Int, failed: Int, open: Int) {
        (entries.count, entries.values.filter { $0.completions > 0 }.count, entries.values.filter(\.finalFailure).count, open)
    }
}

/// The end of a simulation: the employees' view, cross-checked with the tasks' statuses and
/// audit trails through the admin API.
struct Report {
    var created = 0, completed = 0, failed = 0, stillOpen = 0, lost = 0, duplicated = 0
    var disagreements: [String] = []
    var duplicates: [String] = []
    var latency: [String: Double] = [:]
    /// An employee's request → the admin's feed showing its event, percentiles by action (only
    /// with `--admin-watching`).
    var actionToAdmin: [String: [String: Double]] = [:]
    var waitByPriority: [String: Double] = [:]
    var lifecyclesPerSecond = 0.0
    var fairness = 1.0
    var repeatedRequests = 0
    /// One line per task, for drills that attribute what happened to the moment it happened.
    var timeline: [TimelineEntry] = []

    /// A task's line: times in seconds since 1970, `null` for what did not happen.
    struct TimelineEntry: Encodable {
        var id: String, priority: Int, status: String, lost: Bool, duplicated: Bool
        var createdAt: Double?, firstOfferAt: Double?, endedAt: Double?

        func encode(to encoder: any Encoder) throws {
            enum Key: String, CodingKey { case id, priority, status, lost, duplicated, createdAt, firstOfferAt, endedAt }
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(id, forKey: .id)
            try container.encode(priority, forKey: .priority)
            try container.encode(status, forKey: .status)
            try container.encode(lost, forKey: .lost)
            try container.encode(duplicated, forKey: .duplicated)
            // Present, null when absent: the drills read every key.
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(firstOfferAt, forKey: .firstOfferAt)
            try container.encode(endedAt, forKey: .endedAt)
        }
    }

    static func make(ledger: Ledger, admin: APIClient, team: [SimulatedEmployee], seconds: Double) async throws -> Report {
        var report = Report()
        let entries = await ledger.entries
        report.duplicates = await ledger.duplicates
        var duplicatedTasks = await ledger.duplicatedTasks
        let overlaps = await ledger.overlaps
        report.created = entries.count
        let outcomes = try await endStates(of: Array(entries.keys), admin: admin)
        for (id, entry) in entries {
            let (status, completions, assignments) = outcomes[id] ?? ("?", 0, 0)
            // More offers than the server made assignments: one of them was stale or doubled.
            if let overlap = overlaps[id], entry.offers > assignments {
                report.duplicates.append("\(overlap) (\(entry.offers) offers, \(assignments) assignments in its audit trail)")
                duplicatedTasks.insert(id)
            }
            if completions > 1 {
                report.duplicates.append("\(id) completed \(completions) times in its audit trail")
                duplicatedTasks.insert(id)
            }
            var lost = false
            switch status {
            case "COMPLETED": report.completed += 1
            case "FAILED": report.failed += 1
            case "CANCELLED": break
            default:
                report.stillOpen += 1
                report.lost += 1
                lost = true
            }
            report.timeline.append(
                TimelineEntry(
                    id: id.uuidString.lowercased(), priority: entry.priority, status: status, lost: lost,
                    duplicated: duplicatedTasks.contains(id), createdAt: Self.epoch(entry.createdAt),
                    firstOfferAt: Self.epoch(entry.firstOfferAt), endedAt: Self.epoch(entry.endedAt)
                ))
            if entry.completions > 0, status != "COMPLETED" {
                report.disagreements.append("\(id): employees completed it, the API says \(status)")
            }
            if entry.finalFailure, status != "FAILED" {
                report.disagreements.append("\(id): employees failed it for good, the API says \(status)")
            }
            if !entry.terminal, status == "COMPLETED" || status == "FAILED" {
                let why = entry.lastRelease.map { " (last let go: \($0))" } ?? ""
                report.disagreements.append("\(id): the API says \(status), no employee saw it end\(why)")
            }
        }
        report.duplicated = report.duplicates.count
        report.repeatedRequests = PersistentRequests.repeated.load(ordering: .relaxed)
        let latencies = entries.values.compactMap { entry -> Double? in
            guard let offered = entry.firstOfferAt, let created = entry.createdAt else { return nil }
            return offered.timeIntervalSince(created) * 1_000
        }.sorted()
        func percentile(_ values: [Double], _ fraction: Double) -> Double {
            guard !values.isEmpty else { return .nan }
            let index = min(values.count - 1, max(0, Int((fraction * Double(values.count)).rounded(.up)) - 1))
            return (values[index] * 100).rounded() / 100
        }
        func percentiles(_ values: [Double]) -> [String: Double] {
            let sorted = values.sorted()
            return [
                "p50Ms": percentile(sorted, 0.5), "p90Ms": percentile(sorted, 0.9), "p99Ms": percentile(sorted, 0.99),
                "maxMs": percentile(sorted, 1),
            ]
        }
        report.latency = percentiles(latencies)
        for (action, delays) in await ledger.actionToAdmin where !delays.isEmpty {
            // How many made it to the admin's feed at all, beside how fast.
            report.actionToAdmin[action.rawValue] = percentiles(delays).merging(["count": Double(delays.count)]) { $1 }
        }
        for priority in 1...5 {
            let waits = entries.values.filter { $0.priority == priority }.compactMap { entry -> Double? in
                guard let offered = entry.firstOfferAt, let created = entry.createdAt else { return nil }
                return offered.timeIntervalSince(created)
            }
            if !waits.isEmpty {
                report.waitByPriority[String(priority)] = (waits.reduce(0, +) / Double(waits.count) * 100_000).rounded() / 100
            }
        }
        report.lifecyclesPerSecond = seconds > 0 ? (Double(report.completed + report.failed) / seconds * 100).rounded() / 100 : 0
        let completedBy = await ledger.completedBy
        let shares = team.map { Double(completedBy[$0.id] ?? 0) / Double($0.capacity) }
        let sum = shares.reduce(0, +), squares = shares.reduce(0) { $0 + $1 * $1 }
        report.fairness = squares > 0 ? (sum * sum / (Double(shares.count) * squares) * 10_000).rounded() / 10_000 : 1
        return report
    }

    private static func epoch(_ date: Date?) -> Double? {
        date.map { ($0.timeIntervalSince1970 * 1_000).rounded() / 1_000 }
    }

    typealias EndState = (status: String, completions: Int, assignments: Int)

    /// Each task's status and how many times its audit trail says it was completed and
    /// assigned, sixteen requests at a time.
    private static func endStates(of ids: [UUID], admin: APIClient) async throws -> [UUID: EndState] {
        try await withThrowingTaskGroup(of: (UUID, EndState).self) { group in
            var states: [UUID: EndState] = [:]
            for (index, id) in ids.enumerated() {
                if index >= 16, let (done, state) = try await group.next() { states[done] = state }
                group.addTask {
                    let detail = try await PersistentRequests().answer {
                        try await admin.tasks.getTask(path: .init(id: id.uuidString)).ok.body.json
                    }
                    let count = { (state: String) in detail.value2.audit.filter { $0.to == state }.count }
                    return (id, (detail.value1.status.rawValue, count("COMPLETED"), count("ASSIGNED")))
                }
            }
            for try await (done, state) in group { states[done] = state }
            return states
        }
    }

    /// What `simulate --json` prints (benchmarks and drills read it).
    struct Summary: Encodable {
        var created, completed, failed, stillOpen, lost, duplicated: Int
        var disagreements, duplicates: [String]
        var createToNotified, meanWaitMsByPriority: [String: Double]
        /// Absent unless the admin's feed was watched.
        var actionToAdmin: [String: [String: Double]]?
        var lifecyclesPerSecond, fairness: Double
        var repeatedRequests: Int
    }

    var summary: Summary {
        Summary(
            created: created, completed: completed, failed: failed, stillOpen: stillOpen, lost: lost, duplicated: duplicated,
            disagreements: disagreements, duplicates: duplicates,
            // No offers, no percentiles: left out rather than written as NaN, which JSON cannot hold.
            createToNotified: latency.filter { !$0.value.isNaN }, meanWaitMsByPriority: waitByPriority,
            actionToAdmin: actionToAdmin.isEmpty ? nil : actionToAdmin.mapValues { $0.filter { !$0.value.isNaN } },
            lifecyclesPerSecond: lifecyclesPerSecond, fairness: fairness, repeatedRequests: repeatedRequests
        )
    }

    func print() {
        Swift.print(
            """
            tasks        created \(created), completed \(completed), failed \(failed), still open \(stillOpen)
            lost         \(lost)
            duplicated   \(duplicated)
            create → notified  p50 \(latency["p50Ms"] ?? .nan) ms, p90 \(latency["p90Ms"] ?? .nan) ms, p99 \(latency["p99Ms"] ?? .nan) ms, max \(latency["maxMs"] ?? .nan) ms
            mean wait by priority (ms)  \(waitByPriority.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
            lifecycles/s \(lifecyclesPerSecond)
            fairness     \(fairness) (Jain's index of completed tasks per unit of capacity)
            repeated     \(repeatedRequests) requests (the stack could not take them at first)
            """)
        for action in Ledger.Action.allCases {
            guard let delays = actionToAdmin[action.rawValue] else { continue }
            Swift.print(
                "\(action.rawValue) → admin's feed  p50 \(delays["p50Ms"] ?? .nan) ms, p90 \(delays["p90Ms"] ?? .nan) ms, "
                    + "p99 \(delays["p99Ms"] ?? .nan) ms, max \(delays["maxMs"] ?? .nan) ms (\(Int(delays["count"] ?? 0)) tasks)")
        }
        for line in (disagreements + duplicates).prefix(20) { Swift.print("  ! \(line)") }
    }
}
