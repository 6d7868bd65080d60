import CRabbitMQ
import Glibc

/// Builds and reads rabbitmq-c field tables.
enum AMQPTable {
    /// Calls `body` with a C table holding `entries`; the memory lives until `body` returns.
    static func with<R>(_ entries: [String: HeaderValue], _ body: (amqp_table_t) throws -> R) rethrows -> R {
        guard !entries.isEmpty else { return try body(amqp_table_t(num_entries: 0, entries: nil)) }
        var allocations: [UnsafeMutableRawPointer] = []
        defer { allocations.forEach { free($0) } }
        func bytes(_ text: String) -> amqp_bytes_t {
            let utf8 = Array(text.utf8)
            let memory = malloc(max(utf8.count, 1))!
            allocations.append(memory)
            utf8.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: utf8.count) }
            return amqp_bytes_t(len: utf8.count, bytes: memory)
        }
        let table = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: entries.count)
        defer { table.deallocate() }
        for (index, (key, value)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
            var field = amqp_field_value_t()
            switch value {
            case .string(let text):
                field.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
                field.value.bytes = bytes(text)
            case .integer(let number):
                field.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
                field.value.i64 = number
            case .boolean(let flag):
                field.kind = UInt8(AMQP_FIELD_KIND_BOOLEAN.rawValue)
                field.value.boolean = flag ? 1 : 0
            }
            (table + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: field))
        }
        return try body(amqp_table_t(num_entries: Int32(entries.count), entries: table))
    }

    /// Copies the text, integer and boolean entries of a table; other kinds are skipped.
    static func read(_ table: amqp_table_t) -> [String: HeaderValue] {
        var result: [String: HeaderValue] = [:]
        for index in 0..<Int(table.num_entries) {
            let entry = table.entries[index]
            let key = AMQPSession.text(entry.key)
            switch Int32(entry.value.kind) {
            case Int32(AMQP_FIELD_KIND_UTF8.rawValue), Int32(AMQP_FIELD_KIND_BYTES.rawValue):
                result[key] = .string(AMQPSession.text(entry.value.value.bytes))
            case Int32(AMQP_FIELD_KIND_I64.rawValue):
                result[key] = .integer(entry.value.value.i64)
            case Int32(AMQP_FIELD_KIND_I32.rawValue):
                result[key] = .integer(Int64(entry.value.value.i32))
            case Int32(AMQP_FIELD_KIND_U32.rawValue):
                result[key] = .integer(Int64(entry.value.value.u32))
            case Int32(AMQP_FIELD_KIND_I16.rawValue):
                result[key] = .integer(Int64(entry.value.value.i16))
            case Int32(AMQP_FIELD_KIND_I8.rawValue):
                result[key] = .integer(Int64(entry.value.value.i8))
            case Int32(AMQP_FIELD_KIND_BOOLEAN.rawValue):
                result[key] = .boolean(entry.value.value.boolean != 0)
            default:
                continue
            }
        }
        return result
    }
}
