import Synchronization

/// Work that must wait until the transaction that asked for it has committed — waking a reader
/// of what it wrote, say: woken earlier, the reader would find nothing yet.
///
/// `PostgresClient.transaction` opens a scope; `perform` inside it runs the action after that
/// transaction commits, and never when it rolls back. Outside any scope the statement that wrote
/// has already committed by itself (autocommit), so the action runs at once.
public enum AfterCommit {
    @TaskLocal static var pending: Actions?

    final class Actions: Sendable {
        let actions = Mutex<[@Sendable () -> Void]>([])
    }

    public static func perform(_ action: @escaping @Sendable () -> Void) {
        if let pending {
            pending.actions.withLock { $0.append(action) }
        } else {
            action()
        }
    }

    /// Runs `body` as one transaction's scope: the actions it asks for run once it returns, none
    /// if it throws.
    public static func scope<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        let actions = Actions()
        let result = try await $pending.withValue(actions) { try await body() }
        for action in actions.actions.withLock({ $0 }) { action() }
        return result
    }
}
