import Resilience
import Testing

@Suite struct BackoffTests {
    @Test func growsGeometricallyUpToTheCap() {
        let backoff = Backoff(initial: .milliseconds(100), multiplier: 2, maximum: .seconds(1))
        #expect(backoff.ceiling(attempt: 0) == .milliseconds(100))
        #expect(backoff.ceiling(attempt: 1) == .milliseconds(200))
        #expect(backoff.ceiling(attempt: 3) == .milliseconds(800))
        #expect(backoff.ceiling(attempt: 4) == .seconds(1))
        #expect(backoff.ceiling(attempt: 10_000) == .seconds(1))
    }

    @Test func jitterStaysBetweenHalfAndTheCeiling() {
        let backoff = Backoff(initial: .milliseconds(100), multiplier: 2, maximum: .seconds(5))
        for attempt in 0..<20 {
            let ceiling = backoff.ceiling(attempt: attempt)
            let delay = backoff.delay(attempt: attempt)
            #expect(delay <= ceiling)
            #expect(delay >= ceiling / 2 - .microseconds(1))
        }
    }

    @Test func convertsToTimeval() {
        let tv = Duration.milliseconds(2_500).timeval
        #expect(tv.tv_sec == 2)
        #expect(tv.tv_usec == 500_000)
    }
}
