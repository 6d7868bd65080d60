import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceRuntime

/// The tasks service as the shared runtime sees it.
enum TasksService {
    static let descriptor = ServiceDescriptor(
        name: "tasks", schema: "tasks", defaultPort: 8082, usesRedis: false, migrations: TasksMigrations.all,
        resources: .module
    )

    /// Its routes, its consumer of the scheduler's events, and its sweeper.
    static func setUp(router: Router<ServiceRequestContext>, context: ServiceContext) throws -> ServiceAssembly {
        let settings = try TaskSettings(context.configuration.environment)
        let tasks = TaskRepository(client: context.dependencies.database.client, logger: context.logger)
        let signer = context.signer
        AdminTasksController(tasks: tasks, settings: settings)
            .addRoutes(to: router, signer: BearerTokenMiddleware(signer: signer, requiring: .admin))
        EmployeeTasksController(tasks: tasks, settings: settings).addRoutes(
            to: router, employees: BearerTokenMiddleware(signer: signer, requiring: .employee),
            anyone: BearerTokenMiddleware(signer: signer)
        )

        let consumer = context.consumer(
            of: "tasks.scheduling", handlers: TaskEventHandlers(tasks: tasks, logger: context.logger).handlers
        )
        return ServiceAssembly(services: consumer + [TaskSweeper(tasks: tasks, settings: settings, logger: context.logger)])
    }
}
