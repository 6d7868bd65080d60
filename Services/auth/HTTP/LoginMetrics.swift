import Metrics

/// `orchestrator_logins_total{outcome}` on auth's `/metrics` (docs/operations.md): `ok`,
/// `failed` (wrong username or password), `throttled` (refused before checking: too many
/// failures lately), `disabled` (right password, deactivated account).
enum LoginMetrics {
    static let succeeded = outcome("ok")
    static let failed = outcome("failed")
    static let throttled = outcome("throttled")
    static let disabled = outcome("disabled")
    /// Every series, made when the service starts so each shows 0 until it counts.
    static let all = [succeeded, failed, throttled, disabled]

    private static func outcome(_ name: String) -> Counter {
        Counter(label: "orchestrator_logins_total", dimensions: [("outcome", name)])
    }
}
