// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/analytics/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "fd231391967e984ed1943ccce807c89e0ac9ae8c97993e9e71507d52e83a7384"
}
