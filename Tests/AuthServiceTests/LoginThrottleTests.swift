import Testing

@testable import AuthService

@Suite struct LoginThrottleTests {
    let throttle = LoginThrottle(perUsername: 5, perClient: 50, window: .seconds(900))

    func ages(_ seconds: [Int]) -> [Duration] { seconds.map { .seconds($0) } }

    @Test(arguments: [(1, "1 second"), (40, "40 seconds"), (60, "1 minute"), (61, "2 minutes"), (300, "5 minutes")])
    func theWaitReadsAsAPersonWouldSayIt(seconds: Int, text: String) {
        #expect(LoginThrottle.waitText(seconds: seconds) == text)
    }

    @Test func allowsFewerFailuresThanTheLimit() {
        #expect(throttle.retryAfter(usernameFailures: ages([1, 2, 3, 4]), clientFailures: ages([1, 2, 3, 4])) == nil)
    }

    @Test func theFifthFailureBlocksUntilTheOldestLeavesTheWindow() {
        // The oldest failure is 600 s old: 300 s until it leaves the 900 s window.
        #expect(throttle.retryAfter(usernameFailures: ages([600, 10, 20, 30, 40]), clientFailures: []) == 300)
    }

    @Test func withMoreThanTheLimitEnoughMustAgeOut() {
        // Seven failures: three must leave the window before fewer than five remain, the last of
        // them the one 100 s old.
        let retry = throttle.retryAfter(usernameFailures: ages([800, 700, 100, 90, 80, 70, 60]), clientFailures: [])
        #expect(retry == 800)
    }

    @Test func failuresOutsideTheWindowDoNotCount() {
        #expect(throttle.retryAfter(usernameFailures: ages([901, 950, 1_000, 2_000, 5, 6]), clientFailures: []) == nil)
    }

    @Test func theClientBoundIsSeparateAndTheLongerWaitWins() {
        let client = ages(Array(0..<50).map { 100 + $0 })
        #expect(throttle.retryAfter(usernameFailures: [], clientFailures: client) == 900 - 149)
        #expect(throttle.retryAfter(usernameFailures: ages([10, 10, 10, 10, 10]), clientFailures: client) == 890)
    }

    @Test func neverAsksForLessThanASecond() {
        #expect(throttle.retryAfter(usernameFailures: .init(repeating: .milliseconds(899_900), count: 5), clientFailures: []) == 1)
    }
}
