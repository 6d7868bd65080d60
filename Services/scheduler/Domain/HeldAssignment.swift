import Foundation

/// An admin's manual assignment that reached the scheduler before the task it names did — as
/// tasks saw it when the admin asked. Replicas consume one queue, so the request can overtake the
/// `task.created` (or the requeue) it follows on another replica. It waits on the task's view
/// until an event brings that view up to the version the admin saw, and is carried out then,
/// by whichever replica applies that event (docs/scheduling.md, "Manual assignment").
struct HeldAssignment: Codable, Equatable, Sendable {
    var taskId: UUID
    var employeeId: UUID
    var requestedBy: UUID
    /// The version tasks saw the task PENDING at; nil in requests from before it was sent.
    var version: Int?
    var correlationId: UUID
    /// The `assignment.requested` event, the cause of what is published about it.
    var requestId: UUID

    /// Whether a view — `known` once its creation has been applied, at `version` — is where the
    /// admin saw the task: then the request is carried out (or refused) against it, never held.
    func isDue(known: Bool, version viewVersion: Int) -> Bool {
        known && viewVersion >= (version ?? 0)
    }
}
