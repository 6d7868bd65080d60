import AnalyticsAPI
import Hummingbird

// The bodies of the analytics API are the types generated from Services/analytics/openapi.yaml
// (docs/api.md): responses are built from them, so a field renamed or retyped in the document
// fails to compile here instead of drifting from it.

typealias Documented = Components.Schemas

extension Documented.Overview: ResponseEncodable {}
extension Documented.EmployeeFigures: ResponseEncodable {}
extension Documented.EmployeeFiguresList: ResponseEncodable {}
extension Documented.Series: ResponseEncodable {}

extension DurationStats {
    var body: Documented.DurationStats { Documented.DurationStats(count: count, meanMs: meanMs, p50Ms: p50Ms, p90Ms: p90Ms, p99Ms: p99Ms) }
}

extension Waiting {
    var body: Documented.Waiting {
        Documented.Waiting(createdAt: createdAt, priority: priority, taskId: taskId.uuidString, waitingSeconds: waitingSeconds)
    }
}

extension Bucket {
    var body: Documented.Bucket { Documented.Bucket(count: count, meanMs: meanMs, minute: minute, p50Ms: p50Ms, p90Ms: p90Ms) }
}

extension BucketWidth {
    var body: Documented.Series.BucketSecondsPayload { self == .minute ? ._60 : ._3600 }
}
