/// An integer field of a request body. Decoding `1.5` into `Int` fails on Linux with an error
/// that names no field; this reads any JSON number and refuses a fractional one as a type
/// mismatch at its own key, so the client gets a 422 naming the field.
public struct WholeNumber: Decodable, Sendable, Equatable {
    public let value: Int

    public init(_ value: Int) {
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let number = try decoder.singleValueContainer().decode(Double.self)
        guard number.isFinite, number == number.rounded(), abs(number) < 9e15 else {
            throw DecodingError.typeMismatch(
                Int.self, .init(codingPath: decoder.codingPath, debugDescription: "\(number) is not a whole number")
            )
        }
        value = Int(number)
    }
}
