import EventContracts
import Foundation

/// Who is calling, as their token says.
public struct Identity: Sendable, Equatable {
    public let userId: UUID
    public let role: Role

    public init(userId: UUID, role: Role) {
        self.userId = userId
        self.role = role
    }

    public var isAdmin: Bool { role == .admin }
}
