/// Every event type (docs/events.md, "The catalogue"), the one place they are listed in code.
public enum EventCatalogue {
    public static let all: [any EventPayload.Type] = [
        UserRegistered.self, UserUpdated.self,
        TaskCreated.self, AssignmentProposed.self, TaskAssigned.self, TaskAssignmentRejected.self,
        TaskAccepted.self, TaskProgressed.self, TaskCompleted.self, TaskFailed.self, TaskRequeued.self,
        TaskCancelled.self, TaskEdited.self, TaskOverdue.self, TaskFlagged.self, TaskCommented.self,
        AssignmentRequested.self, AssignmentRefused.self, WorkRequested.self, ReservationExpired.self, EmployeeGone.self,
        EmployeeAvailabilityChanged.self, PresenceOnline.self, PresenceOffline.self, AnalyticsUpdated.self,
    ]

    /// The routing keys `publisher` may publish on `orchestrator.events`, in catalogue order: what
    /// the broker's topic permissions allow its user (docs/security.md, "Between the services").
    public static func eventTypes(publishedBy publisher: EventPublisher) -> [String] {
        all.filter { $0.publisher == publisher }.map { $0.eventType }
    }

    /// The payload type for a routing key, if it is one of ours.
    public static func payloadType(for eventType: String) -> (any EventPayload.Type)? {
        all.first { $0.eventType == eventType }
    }
}
