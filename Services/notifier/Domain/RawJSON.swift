/// Reading a member of a JSON object as the bytes it was written with, so that what a producer
/// sent reaches the feeds untouched and without a second encoding (docs/notifications.md).
enum RawJSON {
    /// The bytes of the value of `key` in the top-level object of `json`, exactly as written; nil
    /// when there is no such member (or its name is written with escapes). `json` must be valid
    /// JSON — decode it first; this only finds where things are.
    static func member(_ key: String, of json: [UInt8]) -> ArraySlice<UInt8>? {
        let key = Array(key.utf8)
        var index = skipWhitespace(json, from: 0)
        guard index < json.count, json[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            index = skipWhitespace(json, from: index)
            guard index < json.count, json[index] == UInt8(ascii: "\"") else { return nil }
            let nameEnd = endOfString(json, from: index)
            let name = json[(index + 1)..<(nameEnd - 1)]
            index = skipWhitespace(json, from: nameEnd)
            guard index < json.count, json[index] == UInt8(ascii: ":") else { return nil }
            let start = skipWhitespace(json, from: index + 1)
            let end = endOfValue(json, from: start)
            if name.elementsEqual(key) { return json[start..<end] }
            index = skipWhitespace(json, from: end)
            guard index < json.count, json[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    private static func skipWhitespace(_ json: [UInt8], from start: Int) -> Int {
        var index = start
        while index < json.count, isWhitespace(json[index]) { index += 1 }
        return index
    }

    /// Just past the closing quote of the string that opens at `start`.
    private static func endOfString(_ json: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < json.count {
            switch json[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return json.count
    }

    /// Just past the value that starts at `start`.
    private static func endOfValue(_ json: [UInt8], from start: Int) -> Int {
        guard start < json.count else { return json.count }
        switch json[start] {
        case UInt8(ascii: "\""):
            return endOfString(json, from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < json.count {
                switch json[index] {
                case UInt8(ascii: "\""):
                    index = endOfString(json, from: index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return json.count
        default:
            // A number, true, false or null: up to the next delimiter.
            var index = start
            while index < json.count, !isWhitespace(json[index]),
                json[index] != UInt8(ascii: ","), json[index] != UInt8(ascii: "}"), json[index] != UInt8(ascii: "]")
            {
                index += 1
            }
            return index
        }
    }
}
