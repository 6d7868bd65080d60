/// Whether an employee wants work now; set by the employee, or AWAY after a missed reservation.
public enum Availability: String, Codable, Sendable, CaseIterable {
    case available = "AVAILABLE"
    case away = "AWAY"
}
