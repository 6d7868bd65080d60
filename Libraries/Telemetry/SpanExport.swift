import Synchronization

/// Where ended spans go: the process's ``OTLPExporter`` when one is configured
/// (`ORCH_OTLP_ENDPOINT`), nowhere otherwise — then no span is recorded at all, and tracing
/// costs only the ids that travel.
public enum SpanExport {
    private static let exporter = Mutex<OTLPExporter?>(nil)
    private static let on = Atomic<Bool>(false)

    /// Sends the spans that end from now on to `exporter` (nil: nowhere).
    public static func install(_ exporter: OTLPExporter?) {
        self.exporter.withLock { $0 = exporter }
        on.store(exporter != nil, ordering: .releasing)
    }

    /// Whether spans are recorded.
    public static var isOn: Bool { on.load(ordering: .acquiring) }

    public static func submit(_ span: FinishedSpan) {
        exporter.withLock { $0 }?.add(span)
    }
}
