import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in a transaction on a connection of the pool (committed if it returns, rolled
    /// back if it throws), like `withTransaction`, but an error thrown by `body` comes out as
    /// itself rather than wrapped in a `PostgresTransactionError`, so callers can match on their
    /// own errors. What `body` asks of ``AfterCommit`` runs once the transaction has committed.
    public func transaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        try await transactionScope { try await withTransaction(logger: logger, body) }
    }
}

extension PostgresConnection {
    /// The same as `PostgresClient.transaction`, on this connection (which must not be in a
    /// transaction already).
    public func transaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        try await transactionScope { try await withTransaction(logger: logger, body) }
    }
}

/// A transaction's ``AfterCommit`` scope, with the error its body threw unwrapped.
private func transactionScope<Result: Sendable>(_ transaction: () async throws -> Result) async throws -> Result {
    do {
        return try await AfterCommit.scope(transaction)
    } catch let error as PostgresTransactionError {
        throw error.closureError ?? error
    }
}
