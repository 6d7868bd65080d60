// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/scheduler/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "c9df4142645dbb86a0c9c2524068f326665879f98125272de305f7dae10269d8"
}
