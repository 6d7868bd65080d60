import ServiceRuntime

@main
struct NotifierMain {
    static func main() async {
        await ServiceLauncher.main(NotifierService.descriptor, setUp: NotifierService.setUp)
    }
}
