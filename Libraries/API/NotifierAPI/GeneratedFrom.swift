// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/notifier/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "745136f217fc532b63fb914fa6ae1f493a1124f9ea722dab4de378e93b001001"
}
