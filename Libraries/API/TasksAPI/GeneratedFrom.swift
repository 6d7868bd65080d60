// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/tasks/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "f38b9af382c36a25360a088b9dd5d8b3683913a5fd6c2ad8bb66db69c6ecafbf"
}
