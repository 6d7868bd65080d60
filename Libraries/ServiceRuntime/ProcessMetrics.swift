import Foundation
import Metrics
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The process's own use of the machine, read from `/proc/self` at scrape time, under the names
/// Prometheus' client libraries give them: `process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, `process_open_fds`, `process_start_time_seconds`. Nothing
/// where `/proc` is missing (macOS).
final class ProcessMetrics: Sendable {
    private let cpu = FloatingPointCounter(label: "process_cpu_seconds_total")
    private let resident = Gauge(label: "process_resident_memory_bytes")
    private let openFiles = Gauge(label: "process_open_fds")
    private let started = Gauge(label: "process_start_time_seconds")
    /// CPU seconds already counted: the counter only goes up, by what was used since.
    private let counted = Mutex<Double>(0)

    init() {
        started.record(Date().timeIntervalSince1970 - ProcessInfo.processInfo.systemUptime + Self.startedAfterBoot())
    }

    func refresh() {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return }
        let seconds =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
        let delta = counted.withLock { counted in
            defer { counted = max(counted, seconds) }
            return seconds - counted
        }
        if delta > 0 { cpu.increment(by: delta) }
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " "),
            statm.count > 1, let pages = Double(statm[1])
        {
            resident.record(pages * Double(sysconf(Int32(_SC_PAGESIZE))))
        }
        if let files = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") { openFiles.record(files.count) }
    }

    /// Seconds from the machine's boot to this process's start (`/proc/self/stat`, field 22).
    private static func startedAfterBoot() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return ProcessInfo.processInfo.systemUptime }
        // After the command's closing parenthesis: field 3 onwards; the start time is field 22.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return ProcessInfo.processInfo.systemUptime }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
