import Resilience
import Testing

/// A wait ends when signalled (or already signalled), when its time runs out, or at once when
/// its task is cancelled — the relay's loops rely on the last to stop.
@Suite struct WakeSignalTests {
    @Test func aSignalBeforeTheWaitIsKeptForIt() async {
        let signal = WakeSignal()
        signal.signal()
        #expect(await signal.wait(timeout: .seconds(10)))
    }

    @Test func aSignalDuringTheWaitEndsIt() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        async let woken = signal.wait(timeout: .seconds(10))
        try? await Task.sleep(for: .milliseconds(50))
        signal.signal()
        #expect(await woken)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func withoutASignalTheTimeRunsOut() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        #expect(await signal.wait(timeout: .milliseconds(100)) == false)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        // The expired wait left nothing behind: the next one waits its own time.
        #expect(await signal.wait(timeout: .milliseconds(50)) == false)
    }

    @Test func cancellationEndsTheWaitAtOnce() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        let waiting = Task { await signal.wait(timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value == false)
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
