import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceRuntime
import Tokens

/// The tasks service as the shared runtime sees it.
enum TasksService {
    static let descriptor = ServiceDescriptor(
        name: "tasks", schema: "tasks", defaultPort: 8082, usesRedis: false, migrations: TasksMigrations.all,
        resources: .module, histogramBuckets: TaskFlowMetrics.buckets
    )

    /// Its routes, its consumer of the scheduler's events, and its sweeper.
    static func setUp(router: Router<ServiceRequestContext>, context: ServiceContext) throws -> ServiceAssembly {
        let settings = try TaskSettings(context.configuration.environment)
        let tasks = TaskRepository(client: context.dependencies.database.client, logger: context.logger)
        addRoutes(to: router, tasks: tasks, settings: settings, signer: context.signer)
        TaskFlowMetrics.register()
        let gauges = TaskGauges()
        context.gauges.add("tasks by status") { [database = context.dependencies.database.client] in
            try await gauges.refresh(on: database)
        }
        let consumer = context.consumer(
            of: "tasks.scheduling", handlers: TaskEventHandlers(tasks: tasks, logger: context.logger).handlers
        )
        return ServiceAssembly(services: consumer + [TaskSweeper(tasks: tasks, settings: settings, logger: context.logger)])
    }

    /// The HTTP routes over any store of tasks: the seam the controller tests build on.
    static func addRoutes(to router: Router<ServiceRequestContext>, tasks: some TaskStore, settings: TaskSettings, signer: TokenSigner) {
        AdminTasksController(tasks: tasks, settings: settings)
            .addRoutes(to: router, signer: BearerTokenMiddleware(signer: signer, requiring: .admin))
        EmployeeTasksController(tasks: tasks, settings: settings).addRoutes(
            to: router, employees: BearerTokenMiddleware(signer: signer, requiring: .employee),
            anyone: BearerTokenMiddleware(signer: signer)
        )
    }
}
