import PostgresNIO

/// Tells a database that is away — restarting, unreachable, refusing connections — from a
/// request it rejected. An outage is worth retrying (the HTTP layer answers 503 with
/// Retry-After); anything else is a fault in the request or in the code.
public enum DatabaseOutage {
    /// SQLSTATEs of a server that is going or gone: the whole class 08 (connection exception),
    /// 57P01–57P03 (shut down by an administrator, crashed, not accepting connections yet) and
    /// 53300 (too many connections).
    static func isOutage(sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)
    }

    /// True when `error` says the database could not be reached or went away mid-request.
    public static func isOutage(_ error: any Error) -> Bool {
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(isOutage) ?? false }
        }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            return error.serverInfo?[.sqlState].map(isOutage(sqlState:)) ?? false
        default:
            return false
        }
    }
}
