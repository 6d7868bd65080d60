import Instrumentation
import Logging

/// How a service logs and traces, set up once at its start (docs/operations.md).
public enum TelemetrySystem {
    public enum LogFormat: String, CaseIterable, Sendable {
        /// One JSON object a line (``JSONLogHandler``), the default.
        case json
        /// swift-log's plain lines, for a developer's terminal.
        case text
    }

    /// Logging in `format` at `level`, every record with the current trace's ids; the tracer;
    /// and, with `otlpEndpoint`, the exporter of spans (returned, for the caller to run).
    public static func bootstrap(
        service: String, level: Logger.Level, format: LogFormat, otlpEndpoint: String?
    ) -> OTLPExporter? {
        let provider = JSONLogHandler.traceMetadata
        switch format {
        case .json:
            LoggingSystem.bootstrap(
                { _, provider in
                    var handler = JSONLogHandler(service: service, metadataProvider: provider)
                    handler.logLevel = level
                    return handler
                }, metadataProvider: provider)
        case .text:
            LoggingSystem.bootstrap(
                { label, provider in
                    var handler = StreamLogHandler.standardOutput(label: label, metadataProvider: provider)
                    handler.logLevel = level
                    return handler
                }, metadataProvider: provider)
        }
        InstrumentationSystem.bootstrap(OrchestratorTracer())
        let exporter = otlpEndpoint.map {
            OTLPExporter(endpoint: $0, service: service, logger: Logger(label: "orchestrator.\(service).otlp"))
        }
        SpanExport.install(exporter)
        return exporter
    }
}
