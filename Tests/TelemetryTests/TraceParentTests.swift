import Testing

@testable import Telemetry

/// The W3C `traceparent` header, read and written (https://www.w3.org/TR/trace-context/).
@Suite struct TraceParentTests {
    static let example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func readsAndWritesTheSpecificationsExample() throws {
        let parent = try #require(TraceParent(header: Self.example))
        #expect(parent.traceId.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.spanHex == "00f067aa0ba902b7" && parent.spanId == 0x00f0_67aa_0ba9_02b7)
        #expect(parent.sampled)
        #expect(parent.header == Self.example)
        #expect(TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")?.sampled == false)
    }

    @Test(arguments: [
        "", "00", "garbage",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // a digit short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // an all-zero trace
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // a zero span
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // the forbidden version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 has four fields
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
    ])
    func ignoresWhatTheSpecificationSaysToIgnore(header: String) {
        #expect(TraceParent(header: header) == nil)
    }

    @Test func aLaterVersionIsReadByItsFirstFourFields() {
        let later = TraceParent(header: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next")
        #expect(later?.traceId.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func aChildStaysInTheTraceWithASpanOfItsOwn() throws {
        let parent = try #require(TraceParent(header: Self.example))
        let child = parent.child()
        #expect(child.traceId == parent.traceId && child.sampled && child.spanId != parent.spanId && child.spanId != 0)
        #expect(TraceParent(header: child.header) == child)
        let root = TraceParent.root(sampled: false)
        #expect(root.traceId.high != 0 && root.traceId.low != 0 && !root.sampled)
        #expect(TraceParent.root(sampled: true).traceId != root.traceId)
    }
}
