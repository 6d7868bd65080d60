import Foundation

extension UUID {
    /// A version-4 UUID from the system's random generator (`getrandom` on Linux, two calls).
    /// Foundation's `UUID.random()` on Linux opens, reads and closes `/dev/urandom` for each one — three
    /// system calls and a file descriptor for every event, correlation and task id
    /// (docs/benchmarks.md).
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { buffer in
            buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: 0, as: UInt64.self)
            buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: 8, as: UInt64.self)
        }
        bytes.6 = (bytes.6 & 0x0F) | 0x40  // version 4
        bytes.8 = (bytes.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: bytes)
    }
}
