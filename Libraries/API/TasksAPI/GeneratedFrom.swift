// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/tasks/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "2be541ebba51d24b2e30790a454aa7c4d0ba007628af4369052778ea4485bc95"
}
