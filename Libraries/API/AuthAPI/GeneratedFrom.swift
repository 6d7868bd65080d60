// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/auth/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "b46b541a0c8d334f599825f95f940e84c7752e073d4d37be509cdcf589dbfb0c"
}
