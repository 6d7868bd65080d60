// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/tasks/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "70a4d90ca4160ab7f1d3f515719d532fb8f383c957ed18eed0eb800a5f123c9e"
}
