import AsyncHTTPClient
import Logging
import Metrics
import NIOCore
import Resilience
import ServiceLifecycle
import Synchronization

/// Sends ended spans to an OpenTelemetry collector, Jaeger or anything else that takes OTLP over
/// HTTP with JSON bodies (`POST <endpoint>/v1/traces`), a batch every `interval` or as soon as
/// `batchSize` are waiting. Spans are never worth slowing the work down for: beyond `maxQueued`
/// waiting, and whatever a failed or refused request carried, they are dropped and counted
/// (`orchestrator_spans_dropped_total`). Written here rather than taken from swift-otel, whose
/// gRPC and protobuf dependencies add about seven minutes to a first build (docs/operations.md).
public final class OTLPExporter: Service, Sendable {
    public struct Options: Sendable {
        public var interval: Duration = .seconds(1)
        public var batchSize = 512
        public var maxQueued = 8_192
        public var timeout: Duration = .seconds(5)
        public init() {}
    }

    private let url: String
    private let resource: String
    private let options: Options
    private let logger: Logger
    private let queued = Mutex<[FinishedSpan]>([])
    private let full = WakeSignal()
    private let exported = Counter(label: "orchestrator_spans_exported_total")
    private let dropped = Counter(label: "orchestrator_spans_dropped_total")
    /// When a failure was last logged: one warning a minute at most.
    private let lastWarning = Mutex<ContinuousClock.Instant?>(nil)

    /// `endpoint`: the collector's base URL (`http://collector:4318`); `service`: the
    /// `service.name` its spans carry.
    public init(endpoint: String, service: String, options: Options = Options(), logger: Logger) {
        url = endpoint.hasSuffix("/v1/traces") ? endpoint : endpoint.trimmingSuffix("/") + "/v1/traces"
        resource = Self.resource(service: service)
        self.options = options
        self.logger = logger
    }

    /// Spans waiting to be sent.
    var waiting: Int { queued.withLock { $0.count } }

    func add(_ span: FinishedSpan) {
        let count = queued.withLock { spans -> Int? in
            guard spans.count < options.maxQueued else { return nil }
            spans.append(span)
            return spans.count
        }
        guard let count else { return dropped.increment() }
        if count == options.batchSize { full.signal() }
    }

    public func run() async {
        let client = Self.client()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Whichever comes first: the interval, or a full batch.
                if self.queued.withLock({ $0.count }) < self.options.batchSize {
                    _ = await self.full.wait(timeout: self.options.interval)
                }
                await self.flush(using: client)
            }
        }
        // What ended while stopping goes too.
        await flush(using: client)
        try? await client.shutdown()
    }

    /// An HTTP client of the exporter's own, which traces nothing: AsyncHTTPClient makes a span of
    /// every request with the process's tracer, and each export's span went out with the next
    /// export — a loop that sent a request a span, 1,250 a second with nothing else happening.
    static func client() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Sends everything waiting now, on a client of its own.
    func flush() async {
        let client = Self.client()
        await flush(using: client)
        try? await client.shutdown()
    }

    /// Sends what is waiting now, a batch at a time; what ends meanwhile waits for the next turn
    /// (draining until empty sent a request for every span or two that ended during a send).
    private func flush(using client: HTTPClient) async {
        let waiting = queued.withLock { spans in
            defer { spans.removeAll(keepingCapacity: true) }
            return spans
        }
        for start in stride(from: 0, to: waiting.count, by: options.batchSize) {
            await send(Array(waiting[start..<min(start + options.batchSize, waiting.count)]), using: client)
        }
    }

    private func send(_ spans: [FinishedSpan], using client: HTTPClient) async {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body(spans)))
        do {
            // Not cancelled with the service: a batch on its way when the service stops still
            // arrives (the request's timeout bounds the wait).
            let status = try await Task { [timeout = options.timeout] in
                let response = try await client.execute(request, timeout: .init(timeout))
                _ = try? await response.body.collect(upTo: 1 << 20)
                return Int(response.status.code)
            }.value
            guard (200..<300).contains(status) else { throw ExportRefused(status: status) }
            exported.increment(by: spans.count)
        } catch {
            dropped.increment(by: spans.count)
            let now = ContinuousClock.now
            let due = lastWarning.withLock { last in
                guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
                last = now
                return true
            }
            if due {
                logger.warning(
                    "could not export spans; dropped", metadata: ["spans": "\(spans.count)", "url": "\(url)", "error": "\(error)"])
            }
        }
    }

    struct ExportRefused: Error, CustomStringConvertible {
        let status: Int
        var description: String { "the collector answered \(status)" }
    }

    /// An `ExportTraceServiceRequest` in OTLP's JSON encoding (ids in hexadecimal, 64-bit
    /// integers as strings, enums as numbers).
    func body(_ spans: [FinishedSpan]) -> String {
        var out = #"{"resourceSpans":[{"resource":"# + resource + #","scopeSpans":[{"scope":{"name":"orchestrator"},"spans":["#
        for (index, span) in spans.enumerated() {
            if index > 0 { out += "," }
            out += #"{"traceId":""# + span.trace.traceId.hex + #"","spanId":""# + span.trace.spanHex + "\""
            if let parent = span.parent { out += #","parentSpanId":""# + TraceParent.hex(parent) + "\"" }
            out += #","name":"# + JSONText.quoted(span.name) + #","kind":\#(span.kind.rawValue)"#
            out += #","startTimeUnixNano":"\#(span.start)","endTimeUnixNano":"\#(span.end)""#
            out += #","attributes":"# + Self.attributes(span.attributes)
            if let error = span.error {
                out += #","status":{"code":2,"message":"# + JSONText.quoted(error) + "}"
            }
            out += "}"
        }
        return out + "]}]}]}"
    }

    static func resource(service: String) -> String {
        #"{"attributes":"# + attributes([("service.name", .string(service)), ("service.namespace", .string("orchestrator"))]) + "}"
    }

    static func attributes(_ attributes: [(String, FinishedSpan.Value)]) -> String {
        "["
            + attributes.map { key, value in
                let encoded =
                    switch value {
                    case .string(let text): #"{"stringValue":"# + JSONText.quoted(text) + "}"
                    case .int(let number): #"{"intValue":"\#(number)"}"#
                    case .double(let number): #"{"doubleValue":\#(number.isFinite ? "\(number)" : "0")}"#
                    case .bool(let flag): #"{"boolValue":\#(flag)}"#
                    }
                return #"{"key":"# + JSONText.quoted(key) + #","value":"# + encoded + "}"
            }.joined(separator: ",") + "]"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
