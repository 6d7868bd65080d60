import Foundation
import Testing

@testable import EventContracts

/// The hand-written RFC 3339 path must say exactly what Foundation's format styles say.
@Suite struct TimestampTests {
    /// The text the format styles give for `milliseconds` (the way `EventCoding` wrote times before).
    static func byFormatStyle(_ milliseconds: Int64) -> String {
        let remainder = (milliseconds % 1_000 + 1_000) % 1_000
        let whole = Date(timeIntervalSince1970: TimeInterval((milliseconds - remainder) / 1_000))
        let text = whole.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        return text.dropLast() + "." + String(repeating: "0", count: 3 - String(remainder).count) + String(remainder) + "Z"
    }

    static let edges: [Int64] = [
        0, -1, 1, 999, -999, -1_000, 86_399_999, 86_400_000, -86_400_000,
        951_782_400_000,  // 2000-02-29
        4_107_542_400_000,  // 2100-03-01 (2100 is not a leap year)
        -12_212_553_600_000,  // 1583-01-01, the first year written by hand
        253_402_300_799_999,  // 9999-12-31T23:59:59.999
    ]

    @Test func formattingAgreesWithTheFormatStyle() {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<5_000).map { _ in Int64.random(in: -12_212_553_600_000...253_402_300_799_999, using: &generator) }
        for milliseconds in Self.edges + random {
            #expect(Timestamps.format(milliseconds: milliseconds) == Self.byFormatStyle(milliseconds), "\(milliseconds)")
        }
    }

    @Test func parsingReadsBackWhatWasWritten() {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<5_000).map { _ in Int64.random(in: -12_212_553_600_000...253_402_300_799_999, using: &generator) }
        for milliseconds in Self.edges + random {
            let text = Timestamps.format(milliseconds: milliseconds)!
            #expect(Timestamps.parse(text) == milliseconds, "\(text)")
        }
    }

    @Test(arguments: [
        "2026-12-01T07:10:27Z", "2026-12-01T07:10:27.5Z", "2026-12-01T07:10:27.558+00:00", "2026-12-01 07:10:27.558Z",
        "2026-13-01T07:10:27.558Z", "1582-10-15T00:00:00.000Z", "2026-02-29T07:10:27.558Z", "2026-12-01T24:10:27.558Z",
        "2026-12-01T07:10:27.5x8Z", "",
    ])
    func anyOtherFormIsLeftToTheFormatStyles(text: String) {
        #expect(Timestamps.parse(text) == nil)
    }

    @Test func otherRFC3339FormsStillRead() throws {
        let expected = Date(timeIntervalSince1970: 1_764_573_027.558)
        for text in ["2025-12-01T07:10:27.558+00:00", "2025-12-01T08:10:27.558+01:00"] {
            let date = try #require(EventCoding.date(fromTimestamp: text), "\(text)")
            #expect(abs(date.timeIntervalSince(expected)) < 0.000_5, "\(text)")
        }
        let whole = try EventCoding.decoder().decode([Date].self, from: Data(#"["2025-12-01T07:10:27Z"]"#.utf8))[0]
        #expect(whole == Date(timeIntervalSince1970: 1_764_573_027))
    }

    @Test func yearsBeforeTheGregorianCalendarAreLeftToTheFormatStyles() {
        #expect(Timestamps.format(milliseconds: -12_212_553_600_001) == nil)
        #expect(EventCoding.timestamp(Date(timeIntervalSince1970: -62_135_596_800)) == Self.byFormatStyle(-62_135_596_800_000))
    }

    @Test func theSameInstantAsTheFormatStyleReads() throws {
        for text in ["2026-11-30T12:10:37.966Z", "1969-12-31T23:59:59.500Z", "2000-02-29T00:00:00.001Z"] {
            let ours = try #require(EventCoding.date(fromTimestamp: text))
            let theirs = try Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text)
            #expect(abs(ours.timeIntervalSince(theirs)) < 0.000_001, "\(text)")
        }
    }
}

@Suite struct RandomUUIDTests {
    @Test func versionFourAndTheRFCVariant() {
        for _ in 0..<1_000 {
            let text = UUID.random().uuidString
            let characters = Array(text)
            #expect(characters[14] == "4", "\(text)")
            #expect("89AB".contains(characters[19]), "\(text)")
        }
    }

    @Test func noTwoAlike() {
        let ids = (0..<20_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
    }

    @Test func everyRandomBitVaries() {
        // Over a few hundred ids each of the 122 random bits is seen both set and clear.
        var ones = [UInt8](repeating: 0, count: 16), zeros = [UInt8](repeating: 0, count: 16)
        for _ in 0..<400 {
            withUnsafeBytes(of: UUID.random().uuid) { bytes in
                for index in 0..<16 { ones[index] |= bytes[index]; zeros[index] |= ~bytes[index] }
            }
        }
        var fixedOnes = [UInt8](repeating: 0, count: 16), fixedZeros = [UInt8](repeating: 0, count: 16)
        fixedOnes[6] = 0x40; fixedZeros[6] = 0xB0; fixedOnes[8] = 0x80; fixedZeros[8] = 0x40
        for index in 0..<16 {
            #expect(ones[index] | fixedZeros[index] == 0xFF, "byte \(index)")
            #expect(zeros[index] | fixedOnes[index] == 0xFF, "byte \(index)")
        }
    }
}
