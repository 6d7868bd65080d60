import Foundation
import TasksAPI

/// `tasks retry`, `tasks cancel` with several tasks and `tasks reprioritise`: one request
/// (`POST /api/admin/tasks/bulk`), a line for each task, and exit status 6 when any was left as
/// it was.
enum Bulk {
    typealias Action = TasksAPI.Components.Schemas.BulkAction.ActionPayload

    static func run(_ action: Action, ids: [String], reason: String?, priority: Int? = nil, client: APIClient, json: Bool) async throws {
        guard !ids.isEmpty else {
            if json {
                return Output.json(
                    encoding: TasksAPI.Components.Schemas.BulkResult(action: .init(action), changed: 0, refused: 0, results: []))
            }
            return print("no task to \(action.rawValue)")
        }
        let body = TasksAPI.Components.Schemas.BulkAction(action: action, ids: ids, priority: priority, reason: reason)
        let result = try await client.tasks.bulkTasks(body: .json(body)).ok.body.json
        if json {
            Output.json(encoding: result)
        } else {
            Output.table(
                ["id", "outcome", "status", "why"],
                result.results.map { item in
                    [item.id, item.outcome.rawValue, item.task?.status.rawValue ?? item.status ?? "-", item.message ?? "-"]
                })
            print("\(result.changed) of \(result.results.count) \(done(action))")
        }
        if result.refused > 0 {
            throw CLIError(message: "\(result.refused) of \(result.results.count) left as they were", exitCode: 6)
        }
    }

    /// The ids of every task in `status`, a page at a time (at most the bulk route's 500).
    static func ids(of status: TasksAPI.Operations.ListTasks.Input.Query.StatusPayload, client: APIClient) async throws -> [String] {
        var found: [String] = []
        var page = 0
        while found.count < 500 {
            let query = TasksAPI.Operations.ListTasks.Input.Query(status: status, sort: .created, page: page, size: 100)
            let result = try await client.tasks.listTasks(query: query).ok.body.json
            found += result.items.map(\.id)
            if result.items.count < 100 { break }
            page += 1
        }
        return Array(found.prefix(500))
    }

    /// What a changed task had done to it, for the summary line.
    static func done(_ action: Action) -> String {
        switch action {
        case .retry: "retried"
        case .cancel: "cancelled"
        case .reprioritise: "reprioritised"
        }
    }
}

extension TasksAPI.Components.Schemas.BulkResult.ActionPayload {
    init(_ action: TasksAPI.Components.Schemas.BulkAction.ActionPayload) {
        switch action {
        case .retry: self = .retry
        case .cancel: self = .cancel
        case .reprioritise: self = .reprioritise
        }
    }
}
