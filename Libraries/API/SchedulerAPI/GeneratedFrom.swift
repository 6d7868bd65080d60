// Written by Tools/openapi/generate; do not edit.

/// The document this module was generated from: the SHA-256 of Services/scheduler/openapi.yaml
/// bundled as the service serves it. The service's tests compare it with the served document.
public enum GeneratedFrom {
    public static let documentSHA256 = "f285b3d64e056da9464ca72136003ececf730571d67acee1b3da55bcdcbc9c61"
}
