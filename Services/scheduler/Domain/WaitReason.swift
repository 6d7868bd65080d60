import Foundation

/// Why a waiting task has not been offered, as the queue shows it to admins: the first thing that
/// stands between it and an offer, checked in the order the policy applies them.
struct WaitReason: Sendable, Equatable, Codable {
    enum Code: String, Sendable, Codable {
        /// A retry waiting out its not-before time.
        case retryWait = "retry_wait"
        /// No active employee holds every required skill.
        case noSkill = "no_skill"
        /// Those who hold the skills are all offline.
        case nobodyOnline = "nobody_online"
        /// Those online with the skills are all Away.
        case everyoneAway = "everyone_away"
        /// Those online, available and skilled are all at capacity.
        case everyoneFull = "everyone_full"
        /// Only the employee who declined it could take it, and their hold is not over.
        case declinedHold = "declined_hold"
        /// Someone can take it: it is offered in the next round (or after the tasks before it).
        case next
    }

    var code: Code
    var text: String

    /// An employee as far as the reason is concerned.
    struct Employee: Sendable {
        var id: UUID
        var active: Bool
        var online: Bool
        var available: Bool
        var load: Int
        var capacity: Int
        var skills: Set<String>
    }

    static func of(_ task: AssignmentPolicy.QueuedTask, employees: [Employee], at now: Date) -> WaitReason {
        if let notBefore = task.notBefore, notBefore > now {
            return WaitReason(code: .retryWait, text: "a retry, not offered before its retry time")
        }
        let skilled = employees.filter { $0.active && task.requiredSkills.isSubset(of: $0.skills) }
        let skills = task.requiredSkills.sorted().joined(separator: ", ")
        guard !skilled.isEmpty else {
            return WaitReason(
                code: .noSkill, text: "nobody active holds \(task.requiredSkills.count == 1 ? "the skill" : "all the skills") \(skills)")
        }
        let online = skilled.filter(\.online)
        guard !online.isEmpty else { return WaitReason(code: .nobodyOnline, text: "nobody who can take it is online") }
        let available = online.filter(\.available)
        guard !available.isEmpty else { return WaitReason(code: .everyoneAway, text: "everyone online who can take it is Away") }
        let withRoom = available.filter { $0.load < $0.capacity }
        guard !withRoom.isEmpty else { return WaitReason(code: .everyoneFull, text: "everyone who can take it is at capacity") }
        if let hold = task.avoidUntil, hold > now, withRoom.allSatisfy({ $0.id == task.avoidEmployeeId }) {
            return WaitReason(code: .declinedHold, text: "only the employee who declined it could take it, not before their hold ends")
        }
        return WaitReason(code: .next, text: "someone can take it: offered in turn")
    }
}
