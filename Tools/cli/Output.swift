import Foundation

/// How results are shown: aligned tables for people, each cell from its type; the API's JSON
/// for scripts (`--json`).
enum Output {
    /// A typed answer as JSON, as the services write it: sorted keys, times with milliseconds.
    static func json(encoding value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try MillisecondTimes().encode(date))
        }
        guard let data = try? encoder.encode(value) else { return }
        print(String(decoding: data, as: UTF8.self))
    }

    /// A time in a table: RFC 3339 in UTC, to the second; "-" for none.
    static func time(_ date: Date?) -> String {
        date.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
    }

    /// An RFC 3339 time, with or without fractional seconds.
    static func parseTime(_ text: String) -> Date? {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text)
    }

    /// A number in a table: without a needless fraction, otherwise to two places.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
    }

    /// "page 1 of 156 (3106 tasks)" under a list.
    static func pageLine(page: Int, size: Int, total: Int, noun: (one: String, many: String)) -> String {
        let pages = max(1, (total + max(1, size) - 1) / max(1, size))
        return "page \(page + 1) of \(pages) (\(total) \(total == 1 ? noun.one : noun.many))"
    }

    /// A span in a table: "45s", "3m12s", "2h05m".
    static func duration(_ seconds: TimeInterval) -> String {
        let whole = max(0, Int(seconds.rounded(.down)))
        if whole < 60 { return "\(whole)s" }
        if whole < 3_600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3_600)h\(String(format: "%02d", whole % 3_600 / 60))m"
    }

    /// A list in a table: comma-separated; "-" for none, so no cell is ever blank.
    static func list(_ values: [String]) -> String { values.isEmpty ? "-" : values.joined(separator: ",") }

    /// A Boolean in a table.
    static func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }

    /// An optional field in a table: "-" for none.
    static func text(_ value: String?) -> String { value ?? "-" }

    /// A table of `rows` under `headers`, each column as wide as its widest cell.
    static func table(_ headers: [String], _ rows: [[String]]) {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(headers))
        rows.forEach { print(line($0)) }
        if rows.isEmpty { print("(none)") }
    }
}
