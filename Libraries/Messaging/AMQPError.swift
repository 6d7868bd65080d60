/// A failure talking to the broker; the connection is dropped and opened again.
public struct AMQPError: Error, CustomStringConvertible, Equatable {
    public let operation: String
    public let detail: String

    public init(_ operation: String, _ detail: String) {
        self.operation = operation
        self.detail = detail
    }

    public var description: String { "\(operation): \(detail)" }
}
