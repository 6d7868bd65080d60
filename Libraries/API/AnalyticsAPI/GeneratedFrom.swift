// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/analytics/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "1e4be931e28dc843584e6910847c33b2f78b641f5bd5f207246a0fa96ba00f76"
}
