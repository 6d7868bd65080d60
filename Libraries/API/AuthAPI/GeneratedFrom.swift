// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/auth/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "9af9f2e32f25603d9b35e0c7356ae8cf6b1b6f8c02f06cc4a7991fb8f5d3016a"
}
