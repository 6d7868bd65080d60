/// When to refuse login attempts: after `perUsername` failures for one username, or
/// `perClient` from one address, within `window`. Pure; the failures come from the database.
struct LoginThrottle: Sendable {
    var perUsername = 5
    var perClient = 50
    var window: Duration = .seconds(900)

    /// Seconds until the oldest failure that counts leaves the window, or nil when allowed.
    /// `failures` are the ages of the failures within the window, in any order.
    /// "40 seconds", "1 minute", "5 minutes" (rounded up): how long, as a person says it.
    static func waitText(seconds: Int) -> String {
        if seconds < 60 { return seconds == 1 ? "1 second" : "\(max(0, seconds)) seconds" }
        let minutes = (seconds + 59) / 60
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }

    func retryAfter(usernameFailures: [Duration], clientFailures: [Duration]) -> Int? {
        let waits = [wait(usernameFailures, limit: perUsername), wait(clientFailures, limit: perClient)].compactMap { $0 }
        return waits.max()
    }

    private func wait(_ ages: [Duration], limit: Int) -> Int? {
        let recent = ages.filter { $0 < window }.sorted(by: >)
        guard recent.count >= limit else { return nil }
        // Allowed again once enough of them have aged out to be below the limit.
        let blocking = recent[recent.count - limit]
        let remaining = window - blocking
        return max(1, Int((remaining.components.seconds) + (remaining.components.attoseconds > 0 ? 1 : 0)))
    }
}
