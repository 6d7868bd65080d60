import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ScratchDatabase
import ServiceLifecycle
import Testing
import Tokens

@testable import ServiceRuntime

/// A cut-off recorded by one process reaches another's memory through the table's NOTIFY, and
/// only tokens of that user issued before it are refused (docs/auth.md, "Revocation").
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct TokenCutoffsTests {
    let logger = Logger(label: "token-cutoffs-test")

    @Test func aRecordedCutoffReachesAListeningProcessAndRefusesOnlyOlderTokens() async throws {
        let migrations = [BackboneMigrations.tokenCutoffs(schema: "cutoffs", version: 2)]
        try await ScratchDatabase.with(schema: "cutoffs", migrations: migrations, prefix: "cutoffs") { client, url in
            let user = UUID()
            let earlier = Date.nowToTheMillisecond.addingTimeInterval(-60)
            // One recorded before the process starts: read at its start.
            try await client.withConnection { connection in
                try await TokenCutoffs.record(user, from: earlier, schema: "cutoffs", on: connection, logger: logger)
            }
            let cutoffs = TokenCutoffs(schema: "cutoffs", database: url, client: client, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await cutoffs.run() }
                defer { group.cancelAll() }
                #expect(try await eventually { cutoffs.cutoff(for: user).map { abs($0.timeIntervalSince(earlier)) < 0.000_5 } ?? false })
                let change = Date.nowToTheMillisecond
                let before = TokenClaims(subject: user, role: .employee, issuedAt: change.addingTimeInterval(-1), expiresAt: change + 900)
                let after = TokenClaims(subject: user, role: .employee, issuedAt: change.addingTimeInterval(0.002), expiresAt: change + 900)
                let other = TokenClaims(subject: UUID(), role: .employee, issuedAt: earlier, expiresAt: change + 900)
                #expect(!cutoffs.revokes(before))
                let waiting = Task { await cutoffs.untilRevoked(before) }
                // Another process's change, committed: heard at once. A later cut-off never moves back.
                try await client.transaction(logger: logger) { connection in
                    try await TokenCutoffs.record(user, from: change, schema: "cutoffs", on: connection, logger: logger)
                    try await TokenCutoffs.record(user, from: earlier, schema: "cutoffs", on: connection, logger: logger)
                }
                #expect(try await eventually { cutoffs.cutoff(for: user).map { abs($0.timeIntervalSince(change)) < 0.000_5 } ?? false })
                await waiting.value
                #expect(cutoffs.revokes(before) && !cutoffs.revokes(after) && !cutoffs.revokes(other))
            }
        }
    }

    func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
