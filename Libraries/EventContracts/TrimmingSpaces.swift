extension StringProtocol {
    /// Without the white space around it (settings, token keys, header values), and without
    /// Foundation: the bearer middleware runs this on every request. ASCII white space is cut
    /// from the UTF-8 bytes; only an end that is not ASCII goes through `Character.isWhitespace`.
    /// (Reversing the characters twice, as this did, looked generic metadata up and walked
    /// graphemes on every request.)
    public var trimmingSpaces: String {
        let bytes = Substring(self).utf8
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, Self.isASCIISpace(bytes[start]) { start = bytes.index(after: start) }
        while start < end, Self.isASCIISpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        let trimmed = String(decoding: bytes[start..<end], as: UTF8.self)
        guard start < end, bytes[start] >= 0x80 || bytes[bytes.index(before: end)] >= 0x80 else { return trimmed }
        return String(trimmed.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
