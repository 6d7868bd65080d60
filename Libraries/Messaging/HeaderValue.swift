/// A value in an AMQP message's header table. Only what the backbone uses: text and integers.
public enum HeaderValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}
