import ServiceRuntime

@main
struct AnalyticsMain {
    static func main() async {
        await ServiceLauncher.main(AnalyticsService.descriptor, setUp: AnalyticsService.setUp)
    }
}
