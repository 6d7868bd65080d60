import Glibc
import Logging

extension ServiceLauncher {
    /// Every socket is a file: lift the soft limit on open files to the hard limit (often 1,024
    /// against 65,536 or more), so a notifier can hold tens of thousands of connections.
    static func raiseOpenFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        let before = limit.rlim_cur
        limit.rlim_cur = min(limit.rlim_max, 1 << 20)  // "unlimited" is refused for files
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 {
            logger.warning("could not raise the open files limit", metadata: ["limit": "\(before)"])
        }
    }
}
