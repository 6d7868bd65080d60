import Foundation
import OpenAPIRuntime
import Synchronization

/// Requests repeated while the stack cannot take them — a service restarting behind the edge
/// (502, 503, 504), the edge unreachable, throttling (429) — with a growing pause, for up to
/// `patience`; what a client of a real deployment must do to ride out a crash.
struct PersistentRequests: Sendable {
    /// How a persistent request ended.
    enum Outcome<Answer> {
        case answered(Answer)
        /// The server refused the request. `ambiguous`: an earlier attempt failed in a way that
        /// may have reached the server (the connection dropped, or the edge lost the service
        /// mid-request), so the refusal may be the echo of that attempt's success.
        case refused(CLIError, ambiguous: Bool)
    }

    var patience: Duration = .seconds(120)

    /// Attempts repeated so far by every persistent request of this process (the simulator
    /// reports it: a crash drill that retried nothing did not hit anything).
    static let repeated = Atomic<Int>(0)

    /// `request` — a call of a typed client (Libraries/API) — until it is answered or refused.
    func send<Answer>(_ request: () async throws -> Answer) async throws -> Outcome<Answer> {
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        var pause = Duration.milliseconds(50)
        var ambiguous = false
        while true {
            do {
                return .answered(try await Self.unwrapping(request))
            } catch let error as CLIError where error.isTransient {
                guard clock.now + pause < deadline else { throw error }
                // 503 (not ready) and 429 (throttled) are answers from before the work began.
                if error.status != 503 && error.status != 429 { ambiguous = true }
                Self.repeated.add(1, ordering: .relaxed)
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            } catch let error as CLIError {
                return .refused(error, ambiguous: ambiguous)
            }
        }
    }

    /// The answer, or the refusal thrown.
    func answer<Answer>(_ request: () async throws -> Answer) async throws -> Answer {
        switch try await send(request) {
        case .answered(let answer): return answer
        case .refused(let error, _): throw error
        }
    }

    /// A typed client's error as the ``CLIError`` its middleware threw (or a mismatch with the document).
    private static func unwrapping<Answer>(_ request: () async throws -> Answer) async throws -> Answer {
        do {
            return try await request()
        } catch let error as ClientError {
            throw CLIError(error)
        }
    }
}
