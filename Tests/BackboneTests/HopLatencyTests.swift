import EventBackbone
import Messaging
import Testing

/// The relay's stamp on a message, read by a consumer (docs/events.md, "How long a hop takes").
@Suite struct HopLatencyTests {
    @Test func theTimeSinceTheStampIsInMicroseconds() {
        let headers: [String: HeaderValue] = [HopLatency.publishedAtHeader: .integer(1_000_000)]
        #expect(HopLatency.since(headers, at: 1_002_500) == 2_500)
    }

    @Test func aMessageWithoutAStampIsNotTimed() {
        #expect(HopLatency.since([:], at: 1_000) == nil)
        #expect(HopLatency.since([HopLatency.publishedAtHeader: .string("soon")], at: 1_000) == nil)
    }

    @Test func aStampAheadOfTheConsumersClockCountsAsNoTime() {
        #expect(HopLatency.since([HopLatency.publishedAtHeader: .integer(5_000)], at: 4_000) == 0)
    }

    @Test func theWallClockIsInMicrosecondsSince1970() {
        let now = HopLatency.now()
        // 2020-01-01 and 2100-01-01, in microseconds.
        #expect(now > 1_577_836_800_000_000 && now < 4_102_444_800_000_000)
    }
}
