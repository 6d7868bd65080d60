import ServiceRuntime

@main
struct TasksMain {
    static func main() async {
        await ServiceLauncher.main(TasksService.descriptor, setUp: TasksService.setUp)
    }
}
