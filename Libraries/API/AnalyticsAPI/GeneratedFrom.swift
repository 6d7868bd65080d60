// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/analytics/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "b3765bb2b2e2fa9cb547d4b58376036bef981facf4911c0744ce0ab460038448"
}
