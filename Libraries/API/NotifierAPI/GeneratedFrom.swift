// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/notifier/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "4424967424ec055f2115b732145b0cbd20ef95062d7d9c1e7aa061635c2fb679"
}
