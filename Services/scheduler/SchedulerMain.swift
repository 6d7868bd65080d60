import ServiceRuntime

@main
struct SchedulerMain {
    static func main() async {
        await ServiceLauncher.main(SchedulerService.descriptor, setUp: SchedulerService.setUp)
    }
}
