import EventBackbone
import EventContracts
import Foundation

/// A delivered batch as analytics reads it: each task event's fact, in delivery order, and the
/// newest profile of each employee it carries.
struct AnalyticsBatch: Sendable {
    var facts: [TaskEventFact] = []
    /// One per employee (a statement cannot update a row twice): the newest, which is all that
    /// counts — an older profile loses to it whether it comes before or after.
    var newestProfiles: [Profile] { Array(profiles.values).sorted { $0.id.uuidString < $1.id.uuidString } }
    private var profiles: [UUID: Profile] = [:]

    /// A profile as `jsonb_to_recordset` reads it.
    struct Profile: Encodable, Sendable {
        let event_id: UUID, id: UUID, username: String, is_employee: Bool, active: Bool, capacity: Int, profile_at: String
        let at: Date

        init<Payload: UserProfile>(_ envelope: EventEnvelope<Payload>) {
            let user = envelope.data
            (event_id, id, username, is_employee) = (envelope.id, user.userId, user.username, user.role == .employee)
            (active, capacity, at) = (user.active, user.capacity, envelope.occurredAt)
            profile_at = EventCoding.timestamp(envelope.occurredAt)
        }

        private enum CodingKeys: String, CodingKey { case event_id, id, username, is_employee, active, capacity, profile_at }
    }

    /// Reads every event; one that does not decode as its type says is poison.
    init(_ events: [IncomingEvent]) throws {
        for event in events {
            switch event.type {
            case UserRegistered.eventType: keep(Profile(try event.decode(UserRegistered.self)))
            case UserUpdated.eventType: keep(Profile(try event.decode(UserUpdated.self)))
            default: facts.append(try AnalyticsEventHandlers.fact(event))
            }
        }
    }

    private mutating func keep(_ profile: Profile) {
        if let kept = profiles[profile.id], kept.at > profile.at { return }
        profiles[profile.id] = profile
    }
}
