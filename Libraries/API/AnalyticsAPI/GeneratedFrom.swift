// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/analytics/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "b980afb16e2d465902fbd2bfb4e0c4f1dfab32794cbc005b81fe77aeb5bb9129"
}
