// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/notifier/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "1c4995c6d69be2959b11ce516ad75f7ed889e4700c4724573e1c83f37d3c396d"
}
