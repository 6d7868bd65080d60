/// A configuration value the service cannot start with. The message names the variable.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let value: String
    public let problem: String

    public init(variable: String, value: String, problem: String) {
        self.variable = variable
        self.value = value
        self.problem = problem
    }

    public var description: String { "\(variable)=\"\(value)\" is invalid: \(problem)" }
}
