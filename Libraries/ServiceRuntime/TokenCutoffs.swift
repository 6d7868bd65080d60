import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import Resilience
import ServiceLifecycle
import Synchronization
import Tokens

/// Each user's cut-off, in memory, from the service's own `<schema>.token_cutoffs` (docs/auth.md,
/// "Revocation"): a token issued before its user's cut-off is refused everywhere the service's
/// `TokenSigner` verifies one, and an open socket of that user can wait for its end.
///
/// The table is written by the auth service with the change itself, and by every other service
/// from `user.updated` (its `<service>.accounts` queue). Each write NOTIFYs
/// `<schema>_token_cutoffs` in its transaction; every process LISTENs on a session of its own and
/// reads the table again at each notification and each reconnection — so a cut-off reaches every
/// replica a moment after it commits, and a process that starts later reads it at start. Rows
/// older than a day (the longest a token may live) are no longer read.
public final class TokenCutoffs: Service, TokenRevocation, Sendable {
    private let schema: String
    private let database: DatabaseURL
    private let client: PostgresClient
    private let logger: Logger
    private let cutoffs = Mutex<[UUID: Date]>([:])
    private let changed = Wakeup()

    public init(schema: String, database: DatabaseURL, client: PostgresClient, logger: Logger) {
        precondition(schema.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "unsafe schema name")
        self.schema = schema
        self.database = database
        self.client = client
        self.logger = logger
    }

    public func cutoff(for user: UUID) -> Date? { cutoffs.withLock { $0[user] } }

    /// Returns once a token with `claims` is refused (or the task is cancelled).
    public func untilRevoked(_ claims: TokenClaims) async {
        while !Task.isCancelled {
            let seen = changed.count
            if revokes(claims) { return }
            _ = await changed.wait(beyond: seen, timeout: .seconds(60))
        }
    }

    /// Records `user`'s cut-off in `connection`'s transaction (a later one never moves back) and
    /// tells every process of the service once it commits; one statement.
    public static func record(
        _ user: UUID, from cutoff: Date, schema: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        precondition(schema.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "unsafe schema name")
        try await connection.query(
            """
            WITH written AS (
                INSERT INTO \(unescaped: schema).token_cutoffs (user_id, valid_from) VALUES (\(user), \(cutoff))
                ON CONFLICT (user_id) DO UPDATE SET valid_from = greatest(token_cutoffs.valid_from, EXCLUDED.valid_from)
                RETURNING user_id
            )
            SELECT pg_notify(\(schema + "_token_cutoffs"), '') FROM written
            """, logger: logger)
    }

    /// Reads every cut-off of the last day.
    func reload() async throws {
        let rows = try await client.query(
            """
            SELECT user_id, valid_from FROM \(unescaped: schema).token_cutoffs WHERE valid_from > now() - interval '1 day'
            """, logger: logger)
        var read: [UUID: Date] = [:]
        for try await (user, from) in rows.decode((UUID, Date).self) { read[user] = from }
        cutoffs.withLock { $0 = read }
        changed.signal()
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            await Backoff().repeatUntilCancelled { error, wait in
                self.logger.warning("token cut-offs not followed", metadata: ["error": "\(error)", "retry.in": "\(wait)"])
            } _: { recovered in
                let connection = try await PostgresConnection.connect(
                    configuration: self.database.connectionConfiguration, id: 3, logger: self.logger)
                do {
                    try await connection.listen(on: "\(self.schema)_token_cutoffs") { notifications in
                        // Anything committed while nobody listened.
                        try await self.reload()
                        recovered()
                        for try await _ in notifications { try await self.reload() }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        }
    }
}
