import Foundation

/// The `wait` preference of a `Prefer` request header (RFC 7240, section 4.3): how many seconds
/// the client is prepared to wait for an answer. A long poll waits no longer than that — a client
/// behind a proxy that drops idle connections sooner than the notifier's long-poll timeout, or
/// one that only wants what is there now (`wait=0`), says so. Preferences are comma-separated,
/// names case-insensitive, a value may be quoted; anything this does not understand is ignored,
/// as the RFC asks (nil: no usable `wait`).
enum WaitPreference {
    static func seconds(in headers: [String]) -> Int? {
        for header in headers {
            for preference in header.split(separator: ",") {
                // A preference's own parameters follow a ";" — `wait` has none.
                let pair = preference.split(separator: ";", maxSplits: 1).first ?? ""
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0].lowercased() == "wait" else { continue }
                var value = Substring(parts[1])
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                guard !value.isEmpty, value.allSatisfy(\.isASCII), value.allSatisfy(\.isNumber), let seconds = Int(value) else { continue }
                return seconds
            }
        }
        return nil
    }
}
