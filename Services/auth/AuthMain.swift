import ServiceRuntime

@main
struct AuthMain {
    static func main() async {
        await ServiceLauncher.main(AuthService.descriptor, setUp: AuthService.setUp)
    }
}
