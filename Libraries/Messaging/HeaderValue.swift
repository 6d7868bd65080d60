/// A value in an AMQP header or argument table. Only what the backbone uses: text, integers and
/// flags (queue arguments such as `x-single-active-consumer`).
public enum HeaderValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}
