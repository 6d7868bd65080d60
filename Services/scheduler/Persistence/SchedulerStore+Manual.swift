import EventContracts
import Foundation
import Persistence
import PostgresNIO

/// Manual assignments that arrive before the task's view is where the admin saw it: held on the
/// view's row, under its lock, so whichever replica applies the event that catches the view up
/// finds the request in the same statement that writes the view.
extension SchedulerStore {
    /// Whether a request can be carried out now, or waits on the view.
    enum Standing: Equatable {
        /// The view is where the admin saw the task: propose (or refuse) at once.
        case due
        /// Held on the view until an event catches it up.
        case held
        /// Another admin's request for the task is already waiting; this one is refused.
        case alreadyHeld
    }

    /// Reads the task's view (a lock-free read first: nearly always it is there and current);
    /// when it is behind, takes the row's lock — inserting the view of a task not heard of yet —
    /// and holds the request on it unless one is held already.
    func standing(of request: HeldAssignment, on connection: PostgresConnection) async throws -> Standing {
        let seen = try await connection.rows(
            of: ViewVersion(query: "SELECT known, version FROM scheduler.tasks WHERE id = \(request.taskId)"), logger: logger
        )
        if let row = seen.first {
            let (known, version) = try row.decode((Bool, Int).self)
            if request.isDue(known: known, version: version) { return .due }
        }
        let unknown = TaskView.unknown
        let locked = try await connection.rows(
            of: LockView(
                query: """
                    INSERT INTO scheduler.tasks AS t (id, stage, version, last_event)
                    VALUES (\(request.taskId), \(unknown.stage.rawValue), \(unknown.version), \(unknown.lastEvent))
                    ON CONFLICT (id) DO UPDATE SET updated_at = t.updated_at
                    RETURNING t.known, t.version, t.held_assignment IS NOT NULL
                    """), logger: logger)
        guard let lockedRow = locked.first else { throw NoRowReturned(statement: "the held view's upsert") }
        let (known, version, holding) = try lockedRow.decode((Bool, Int, Bool).self)
        // Another replica may have caught the view up between the read and the lock.
        if request.isDue(known: known, version: version) { return .due }
        if holding { return .alreadyHeld }
        _ = try await connection.rows(
            of: Hold(query: "UPDATE scheduler.tasks SET held_assignment = \(try Self.json(request))::jsonb WHERE id = \(request.taskId)"),
            logger: logger
        )
        return .held
    }

    /// The held requests among the rows a view write returned (`id, known, version,
    /// held_assignment::text`) whose views have now caught up; they are released in the same
    /// transaction, to be carried out by the caller.
    func dueHeldAssignments(in rows: [PostgresRow], on connection: PostgresConnection) async throws -> [HeldAssignment] {
        var due: [HeldAssignment] = []
        for row in rows {
            let (_, known, version, text) = try row.decode((UUID, Bool, Int, String).self)
            let held = try JSONDecoder().decode(HeldAssignment.self, from: Data(text.utf8))
            if held.isDue(known: known, version: version) { due.append(held) }
        }
        guard !due.isEmpty else { return [] }
        _ = try await connection.rows(
            of: Release(query: "UPDATE scheduler.tasks SET held_assignment = NULL WHERE id = ANY(\(due.map(\.taskId)))"),
            logger: logger
        )
        return due
    }
}

/// A statement that always returns a row returned none (an upsert's RETURNING).
private struct NoRowReturned: Error {
    let statement: String
}

private struct ViewVersion: PreparedSQL { let query: PostgresQuery }
private struct LockView: PreparedSQL { let query: PostgresQuery }
private struct Hold: PreparedSQL { let query: PostgresQuery }
private struct Release: PreparedSQL { let query: PostgresQuery }
