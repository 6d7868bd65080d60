/// Why a task went back to PENDING (`task.requeued`).
public enum RequeueReason: String, Codable, Sendable, CaseIterable {
    case retry
    case reservationExpired = "reservation_expired"
    case employeeGone = "employee_gone"
    case adminRetry = "admin_retry"
    case adminUnassign = "admin_unassign"
    /// The employee turned the offer down.
    case declined
}
