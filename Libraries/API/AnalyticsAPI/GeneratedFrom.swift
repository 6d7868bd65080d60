// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/analytics/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "a28394babe4fe49e6417f95337140351d8792f8094dfb0b32964d476e13cecd6"
}
