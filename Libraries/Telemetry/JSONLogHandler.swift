import Foundation
import Instrumentation
import Logging

/// Writes each log record as one line of JSON on standard output: `time`, `level`, `service`,
/// `source` (the module that logged it), `message`, the trace and span of the work it belongs to
/// (`trace_id`, `span_id`, from the current ``TraceParent``), then the record's metadata —
/// `task.id`, `event.id` and the like — as it was given (docs/operations.md). A log collector
/// reads it as it is; `jq` reads it too.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let service: String
    private let write: @Sendable (String) -> Void

    public init(
        service: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void = Self.standardOutput
    ) {
        self.service = service
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let given = event.metadata { fields.merge(given) { _, new in new } }
        var line = #"{"time":"# + JSONText.quoted(Self.timestamp(Date())) + #","level":""# + event.level.rawValue + "\""
        line += #","service":"# + JSONText.quoted(service) + #","source":"# + JSONText.quoted(event.source)
        line += #","message":"# + JSONText.quoted(event.message.description)
        for key in fields.keys.sorted() where fields[key] != nil {
            line += "," + JSONText.quoted(key) + ":" + Self.json(fields[key]!)
        }
        write(line + "}\n")
    }

    /// The trace and span of the current task's work, for every record logged within it.
    public static let traceMetadata = Logger.MetadataProvider {
        guard let parent = InstrumentationContext.current?.traceParent else { return [:] }
        return ["trace_id": .string(parent.traceId.hex), "span_id": .string(parent.spanHex)]
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): JSONText.quoted(text)
        case .stringConvertible(let convertible): JSONText.quoted(convertible.description)
        case .array(let values): "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let entries):
            "{" + entries.keys.sorted().map { JSONText.quoted($0) + ":" + json(entries[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// RFC 3339 in UTC, to the millisecond.
    static func timestamp(_ date: Date) -> String {
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(total / 1000)
        let millis = Int(total % 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }

    /// One `write` a line, so lines from several threads never interleave.
    public static let standardOutput: @Sendable (String) -> Void = { line in
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if written < 0, errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
