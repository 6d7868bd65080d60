import EventContracts
import Foundation
import Logging

/// Typed reads of `ORCH_*` environment variables, each with a default; a malformed value throws a
/// ``ConfigurationError`` naming the variable.
public struct EnvironmentReader: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String]) {
        self.values = values
    }

    public func string(_ name: String, default fallback: String) -> String {
        guard let value = values[name], !value.isEmpty else { return fallback }
        return value
    }

    public func optionalString(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = optionalString(name) else { return fallback }
        guard let value = Int(text.trimmingSpaces) else {
            throw ConfigurationError(variable: name, value: text, problem: "expected a whole number")
        }
        guard range.contains(value) else {
            throw ConfigurationError(variable: name, value: text, problem: "expected \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A duration written as a number with a unit: `500ms`, `30s`, `5m`, `1h`.
    public func duration(_ name: String, default fallback: Duration, in range: ClosedRange<Duration>) throws -> Duration {
        guard let text = optionalString(name) else { return fallback }
        guard let value = Self.parseDuration(text.trimmingSpaces) else {
            throw ConfigurationError(variable: name, value: text, problem: "expected a duration such as 500ms, 30s, 5m or 1h")
        }
        guard range.contains(value) else {
            throw ConfigurationError(variable: name, value: text, problem: "expected between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    public func choice<T: RawRepresentable & CaseIterable>(_ name: String, default fallback: T) throws -> T
    where T.RawValue == String {
        guard let text = optionalString(name) else { return fallback }
        guard let value = T(rawValue: text.trimmingSpaces.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, value: text, problem: "expected one of: \(allowed)")
        }
        return value
    }

    /// A value parsed by `parse`, whose error message becomes the problem.
    public func parsed<T>(_ name: String, default fallback: String, _ parse: (String) throws -> T) throws -> T {
        let text = string(name, default: fallback)
        do {
            return try parse(text)
        } catch {
            throw ConfigurationError(variable: name, value: Self.redacted(text), problem: "\(error)")
        }
    }

    public func logLevel(_ name: String, default fallback: Logger.Level) throws -> Logger.Level {
        guard let text = optionalString(name) else { return fallback }
        guard let level = Logger.Level(rawValue: text.trimmingSpaces.lowercased()) else {
            let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, value: text, problem: "expected one of: \(allowed)")
        }
        return level
    }

    public static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number.isFinite, number >= 0 else { return nil }
            // Beyond about 292 years the nanoseconds do not fit: not a duration (and no trap).
            let nanoseconds = number * scale * 1e9
            guard nanoseconds < 9.2e18 else { return nil }
            return .nanoseconds(Int64(nanoseconds))
        }
        return nil
    }

    /// A duration as `parseDuration` reads it, in the largest unit that divides it: `8d`, `24h`, `15m`,
    /// `90s`, `250ms` — for messages people read.
    public static func durationText(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        for (suffix, scale) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)] where milliseconds % scale == 0 {
            return "\(milliseconds / scale)\(suffix)"
        }
        return "\(milliseconds)ms"
    }

    /// Hides secrets so configuration errors never print them: the password of a URL, the
    /// secrets of `kid:secret` lists.
    static func redacted(_ text: String) -> String {
        if !text.contains("://"), text.contains(":") {
            return text.split(separator: ",").map { pair in
                pair.split(separator: ":", maxSplits: 1).first.map { "\($0):***" } ?? "***"
            }.joined(separator: ",")
        }
        guard let schemeEnd = text.range(of: "://"), let at = text.range(of: "@", range: schemeEnd.upperBound..<text.endIndex),
            let colon = text.range(of: ":", range: schemeEnd.upperBound..<at.lowerBound)
        else { return text }
        return text.replacingCharacters(in: colon.upperBound..<at.lowerBound, with: "***")
    }
}
