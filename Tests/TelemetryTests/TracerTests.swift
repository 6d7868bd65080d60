import Instrumentation
import Testing
import Tracing

@testable import Telemetry

/// The tracer continues a caller's trace, starts one when there is none, and writes its own span
/// into what goes out.
@Suite struct TracerTests {
    struct Headers: Extractor, Injector {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    }

    @Test func continuesTheCallersTraceAndPassesItsOwnSpanOn() throws {
        let tracer = OrchestratorTracer()
        var context = InstrumentationContext.topLevel
        tracer.extract([TraceParent.headerName: TraceParentTests.example], into: &context, using: Headers())
        let caller = try #require(context.traceParent)
        let span = tracer.startSpan(
            "work", context: context, ofKind: .server, at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
        let own = try #require(span.context.traceParent)
        #expect(own.traceId == caller.traceId && own.spanId != caller.spanId && own.sampled)
        var out: [String: String] = [:]
        tracer.inject(span.context, into: &out, using: Headers())
        #expect(out[TraceParent.headerName] == own.header)
        span.end()
    }

    @Test func startsATraceWhenThereIsNoneAndIgnoresAMalformedOne() throws {
        let tracer = OrchestratorTracer()
        var context = InstrumentationContext.topLevel
        tracer.extract([TraceParent.headerName: "00-nonsense"], into: &context, using: Headers())
        #expect(context.traceParent == nil)
        let span = tracer.startSpan(
            "work", context: context, ofKind: .server, at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
        #expect(span.context.traceParent?.sampled == true)
        var out: [String: String] = [:]
        tracer.inject(InstrumentationContext.topLevel, into: &out, using: Headers())
        #expect(out.isEmpty)
    }

    @Test func recordsNothingWithoutAnExporter() {
        // No test installs an exporter (`SpanExport` is the process's): spans only carry ids.
        let span = OrchestratorTracer().startSpan(
            "work", context: .topLevel, ofKind: .internal, at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
        #expect(!span.isRecording)
        span.attributes["key"] = "value"
        #expect(span.attributes.get("key") == nil)
    }
}
