import Crypto
import EventContracts

/// The HMAC keys tokens are signed and verified with (`ORCH_TOKEN_SECRETS`): one or more
/// `kid:secret` pairs separated by commas. The first signs; all verify, so a key can be rotated
/// by putting the new one first and dropping the old one once its tokens have expired.
public struct TokenKeys: Sendable {
    public struct Key: Sendable {
        public let id: String
        let key: SymmetricKey
    }

    public let keys: [Key]

    public var signing: Key { keys[0] }

    public func key(id: String) -> Key? { keys.first { $0.id == id } }

    public struct InvalidKeys: Error, CustomStringConvertible {
        public let description: String
    }

    /// The shortest secret accepted, in bytes of its UTF-8 text.
    public static let minimumSecretLength = 32

    public init(parsing text: String) throws {
        var keys: [Key] = []
        for pair in text.split(separator: ",", omittingEmptySubsequences: true) {
            guard let colon = pair.firstIndex(of: ":") else {
                throw InvalidKeys(description: "expected kid:secret pairs separated by commas")
            }
            let id = String(pair[..<colon]).trimmingSpaces
            let secret = String(pair[pair.index(after: colon)...])
            guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                throw InvalidKeys(description: "a key id must be letters, digits, '.', '_' or '-'")
            }
            guard secret.utf8.count >= Self.minimumSecretLength else {
                throw InvalidKeys(description: "the secret of key '\(id)' is shorter than \(Self.minimumSecretLength) bytes")
            }
            guard !keys.contains(where: { $0.id == id }) else {
                throw InvalidKeys(description: "key id '\(id)' appears twice")
            }
            keys.append(Key(id: id, key: SymmetricKey(data: Array(secret.utf8))))
        }
        guard !keys.isEmpty else { throw InvalidKeys(description: "no keys") }
        self.keys = keys
    }
}
