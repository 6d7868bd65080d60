// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/scheduler/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "0db673dd153723f03958e59470755dc057b282987d5adaf78a2dcb0048ac9468"
}
