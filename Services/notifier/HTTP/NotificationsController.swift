import EventContracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceRuntime

/// `GET /api/notifications?after=CURSOR`: the long-poll fallback. Answers at once when the caller
/// has notifications after the cursor, otherwise waits up to the configured time for some — or
/// less, when a `Prefer: wait=N` header asks for less (`WaitPreference`). Without `after` it
/// answers at once with no items and the cursor to continue from.
struct NotificationsController<Log: NotificationReader, Growth: LogGrowth>: Sendable {
    let log: Log
    let feed: Growth
    let longPoll: Duration
    /// Marks a long-polling employee online (a presence lease).
    let online: @Sendable (UUID) async -> Void

    /// `{"items": [...], "nextCursor"}`, written by hand so each event's data passes through as
    /// it was published.
    struct Page: ResponseGenerator {
        let items: [NotificationLog.Notification]
        let nextCursor: Int64

        func response(from request: Request, context: some RequestContext) throws -> Response {
            let body = #"{"items":["# + items.map(\.json).joined(separator: ",") + #"],"nextCursor":\#(nextCursor)}"#
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
    }

    func addRoutes(to router: Router<ServiceRequestContext>, signedIn: BearerTokenMiddleware) {
        router.group("/api/notifications").add(middleware: signedIn).get(use: poll)
    }

    @Sendable func poll(request: Request, context: ServiceRequestContext) async throws -> Page {
        let caller = try context.requireIdentity()
        let audience: Audience = caller.isAdmin ? .admins : .employee(caller.userId)
        if !caller.isAdmin {
            // A long-polling employee is online until one lease TTL after their last poll.
            await online(caller.userId)
        }
        guard let text = request.uri.queryParameters["after"] else {
            return Page(items: [], nextCursor: try await log.latestCursor())
        }
        guard let cursor = Int64(text), cursor >= 0 else { throw APIError.invalid("after", "after must be a cursor (a whole number ≥ 0)") }
        var wait = longPoll
        if let preferred = WaitPreference.seconds(in: request.headers[values: .prefer]) { wait = min(wait, .seconds(preferred)) }
        let deadline = ContinuousClock.now + wait
        while true {
            let seen = feed.generation
            let items = try await log.after(cursor, for: audience, limit: 500)
            let now = ContinuousClock.now
            if !items.isEmpty || now >= deadline {
                FeedMetrics.sentToPolls.increment(by: items.count)
                return Page(items: items, nextCursor: items.last?.cursor ?? cursor)
            }
            FeedMetrics.waiters.increment()
            await feed.wait(beyond: seen, timeout: deadline - now)
            FeedMetrics.waiters.decrement()
        }
    }
}

extension HTTPField.Name {
    /// RFC 7240's request preferences; the long poll reads `wait`.
    static let prefer = Self("Prefer")!
}
