import EventContracts
import Foundation
import Hummingbird
import ServiceRuntime
import TasksAPI

/// What admin and employee routes share: path ids, paging, comments, and how a refused
/// transition reads to the client.
enum TaskRoutes {
    static func uuid(_ context: ServiceRequestContext, _ name: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw APIError.malformed("\(name) must be a UUID")
        }
        return id
    }

    /// A comment: required, not only white space, at most 4,000 characters as sent.
    static func message(_ text: String, field: String = "message") throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.invalid(field, "\(field) must not be empty") }
        guard text.schemaLength <= 4_000 else { throw APIError.invalid(field, "\(field) must be at most 4,000 characters") }
        return trimmed
    }

    /// An optional reason (declining an offer, cancelling a task): nil when absent or blank, at
    /// most 1,000 characters.
    static func reason(_ body: Documented.Reason?) throws -> String? {
        guard let sent = body?.reason else { return nil }
        guard sent.schemaLength <= 1_000 else { throw APIError.invalid("reason", "reason must be at most 1,000 characters") }
        let text = sent.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        return text
    }

    /// Runs a transition, translating the repository's refusals into HTTP: 404, or 409 with the
    /// task's current state in the body.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch TransitionFailure.notFound {
            throw APIError.notFound("task")
        } catch TransitionFailure.conflict(let status, let version) {
            throw APIError.conflict(
                "not allowed while the task is \(status.rawValue)",
                details: ["status": status.rawValue, "version": String(version)]
            )
        } catch TransitionFailure.stale(let status, let version) {
            throw APIError.conflict(
                "the task has moved on since the version given: it is \(status.rawValue) at version \(version) now",
                details: ["status": status.rawValue, "version": String(version)]
            )
        }
    }
}
