/// `analytics.updated`: the overview figures that changed, by name (at most once a second).
public struct AnalyticsUpdated: EventPayload {
    public static let eventType = "analytics.updated"
    public static let publisher = EventPublisher.analytics
    public static let schemaVersion = 1

    public var figures: [String: JSONValue]

    public init(figures: [String: JSONValue]) {
        self.figures = figures
    }

    /// The figures are the payload itself: `"data": {"completedPerMinute": 12, …}`.
    public init(from decoder: any Decoder) throws {
        figures = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(figures)
    }
}
