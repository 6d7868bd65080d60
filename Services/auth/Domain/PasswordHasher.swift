import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt password hashes.
///
/// bcrypt reads at most 72 bytes, and a 128-character password can be far longer in UTF-8, so the
/// password is first digested with SHA-256 and the digest (44 base64 characters) is what bcrypt
/// hashes: every character counts. Hashing runs on NIO's blocking thread pool, never on the
/// cooperative pool. An unknown user is checked against a hash of the same cost, so a failed
/// login takes the same time whether the account exists or not.
struct PasswordHasher: Sendable {
    let cost: UInt8
    private let standIn: String

    init(cost: UInt8) {
        self.cost = cost
        standIn = Bcrypt.hash(Self.digest(UUID().uuidString), cost: cost)
    }

    static func digest(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }

    func hash(_ password: String) async throws -> String {
        let (digest, cost) = (Self.digest(password), cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(digest, cost: cost) }
    }

    /// Whether `password` matches `hash`; with no hash (no such user) it spends the same time
    /// and answers false.
    func verify(_ password: String, against hash: String?) async throws -> Bool {
        let digest = Self.digest(password)
        let candidate = hash ?? standIn
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(digest, hash: candidate) }
        return hash != nil && matches
    }
}
