import Hummingbird

extension Request {
    /// A whole-number query parameter: `fallback` when absent, 422 naming it when it is not a
    /// whole number in `range`.
    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = uri.queryParameters[Substring(name)] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid(name, "\(name) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }
}
