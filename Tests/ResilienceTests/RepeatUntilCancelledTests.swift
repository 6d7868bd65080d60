import Resilience
import Synchronization
import Testing

@Suite struct RepeatUntilCancelledTests {
    struct Failure: Error {}

    @Test func delaysGrowWithEachFailureAndStartOverOnceRecovered() async {
        let backoff = Backoff(initial: .milliseconds(1), multiplier: 10, maximum: .seconds(1))
        let waits = Mutex<[Duration]>([])
        let task = Task {
            var runs = 0
            await backoff.repeatUntilCancelled { _, wait in
                waits.withLock { $0.append(wait) }
            } _: { recovered in
                runs += 1
                if runs == 3 { recovered() }
                if runs == 5 { withUnsafeCurrentTask { $0?.cancel() } }
                throw Failure()
            }
            return runs
        }
        let runs = await task.value
        #expect(runs == 5)
        let seen = waits.withLock { $0 }
        #expect(seen.count == 4)  // no wait after the run that was cancelled
        // Ceilings 1 ms, 10 ms, then 1 ms again after the recovery, then 10 ms.
        #expect(seen[0] <= .milliseconds(1) && seen[1] > .milliseconds(1))
        #expect(seen[2] <= .milliseconds(1) && seen[3] > .milliseconds(1))
    }

    @Test func returnsAtOnceWhenCancelledBeforeStarting() async {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            var runs = 0
            await Backoff().repeatUntilCancelled { _, _ in
            } _: { _ in
                runs += 1
            }
            return runs
        }
        #expect(await task.value == 0)
    }
}
