import EventContracts
import Foundation

/// Who may see an event (docs/notifications.md, "Who sees what"): admins see every event of the
/// feed; an employee sees only the events whose contract names them (their own tasks,
/// reservations and availability). Nobody sees another employee's private events.
enum Audience: Equatable, Hashable, Sendable {
    case admins
    case employee(UUID)

    /// The stored form: `admins` or the employee's id.
    var key: String {
        switch self {
        case .admins: "admins"
        case .employee(let id): id.uuidString
        }
    }

    /// The audiences of an event: the admins, and the employee its contract says it concerns
    /// (`EventPayload.concernedEmployee`), if any.
    static func of(_ event: some EventPayload) -> Set<Audience> {
        guard let employee = event.concernedEmployee else { return [.admins] }
        return [.admins, .employee(employee)]
    }
}
