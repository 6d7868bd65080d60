/// Why a token was refused. The HTTP layer answers 401 for all of them alike.
public enum TokenError: Error, Equatable, CustomStringConvertible {
    case malformed
    case unsupportedAlgorithm(String)
    case unknownKey(String)
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    /// Issued before its user's account changed (deactivated, or given another role).
    case revoked

    public var description: String {
        switch self {
        case .malformed: "malformed token"
        case .unsupportedAlgorithm(let algorithm): "unsupported algorithm \(algorithm)"
        case .unknownKey(let id): "unknown key id \(id)"
        case .badSignature: "bad signature"
        case .expired: "token expired"
        case .notYetValid: "token issued in the future"
        case .wrongIssuer: "wrong issuer"
        case .revoked: "token revoked"
        }
    }
}
