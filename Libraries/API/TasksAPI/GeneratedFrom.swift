// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/tasks/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "419712d42085c21e3aa0be0a5a6e06f8a75595de1993207393a9ee16f3b33c1b"
}
