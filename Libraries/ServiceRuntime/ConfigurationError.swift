/// A configuration value the service cannot start with. The message names the variable.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let value: String
    public let problem: String

    public var description: String { "\(variable)=\"\(value)\" is invalid: \(problem)" }
}
