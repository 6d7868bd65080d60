import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in a transaction (committed if it returns, rolled back if it throws), like
    /// `withTransaction`, but an error thrown by `body` comes out as itself rather than wrapped
    /// in a `PostgresTransactionError`, so callers can match on their own errors. What `body` asks
    /// of ``AfterCommit`` runs once the transaction has committed.
    public func transaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        do {
            return try await AfterCommit.scope { try await withTransaction(logger: logger, body) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }
}
