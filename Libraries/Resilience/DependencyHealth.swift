/// What a probe of one dependency (database, broker, Redis) found.
public enum DependencyHealth: Sendable, Equatable {
    case up
    case down(reason: String)

    public var isUp: Bool { self == .up }
}
