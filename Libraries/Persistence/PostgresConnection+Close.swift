import PostgresNIO

extension PostgresConnection {
    /// Starts closing the connection and returns at once: for a connection given up on because
    /// a call on it hung, whose close might hang as well.
    public func closeWithoutWaiting() {
        Task { try? await self.close() }
    }
}
