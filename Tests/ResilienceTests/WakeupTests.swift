import Resilience
import Testing

/// The one waiting primitive: a wait ends when the count passes what its caller saw — however
/// close the signal comes to the wait — when its time runs out, or at once when cancelled.
@Suite struct WakeupTests {
    @Test func aSignalAfterTheReadEndsTheWaitAtOnce() async {
        let wakeup = Wakeup()
        let seen = wakeup.count
        wakeup.signal()
        #expect(await wakeup.wait(beyond: seen, timeout: .seconds(10)))
        #expect(wakeup.count == seen + 1)
    }

    @Test func oneSignalWakesEveryWaiter() async {
        let wakeup = Wakeup()
        let seen = wakeup.count
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { await wakeup.wait(beyond: seen, timeout: .seconds(30)) } }
            try? await Task.sleep(for: .milliseconds(50))
            wakeup.signal()
            var woken = 0
            for await answer in group where answer { woken += 1 }
            #expect(woken == 8)
        }
    }

    @Test func withoutASignalTheTimeRunsOutAndLeavesNothingBehind() async {
        let wakeup = Wakeup()
        let start = ContinuousClock.now
        #expect(await wakeup.wait(beyond: wakeup.count, timeout: .milliseconds(100)) == false)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        // A time limit that ran out, even before its wait parked, ends only its own wait.
        for _ in 0..<200 { #expect(await wakeup.wait(beyond: wakeup.count, timeout: .zero) == false) }
        let seen = wakeup.count
        async let woken = wakeup.wait(beyond: seen, timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        wakeup.signal()
        #expect(await woken)
    }

    @Test func cancellationEndsTheWaitAtOnce() async {
        let wakeup = Wakeup()
        let start = ContinuousClock.now
        let waiting = Task { await wakeup.wait(beyond: wakeup.count) }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value == false)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    /// Signals racing waits, from other threads: none is ever lost (a lost one would leave its
    /// wait to run out, answering false).
    @Test func noSignalIsLostToARace() async {
        let wakeup = Wakeup()
        for _ in 0..<500 {
            let seen = wakeup.count
            let signaller = Task.detached { wakeup.signal() }
            #expect(await wakeup.wait(beyond: seen, timeout: .seconds(20)))
            await signaller.value
        }
    }
}
