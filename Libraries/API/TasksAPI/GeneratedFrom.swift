// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/tasks/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "ad42afac82908084bf7dceef8b53c5949a0013e862347a22978cb5b0aa99dc46"
}
