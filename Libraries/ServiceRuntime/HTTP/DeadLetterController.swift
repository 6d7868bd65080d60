import EventBackbone
import Hummingbird
import Messaging
import Resilience

/// `/api/dead-letters/{service}/…`: the service's dead letters, for admins (docs/operations.md,
/// "Dead letters"). Every service answers under its own name; the edge routes each name to its
/// service. List (newest first, by queue and/or type, paged by id), read one with its headers
/// and body, replay one or all (back to the queue each came from; the inbox makes a replay of a
/// message already handled a no-op), discard one or all.
public struct DeadLetterController: Sendable {
    let service: String
    let store: DeadLetterStore

    public init(service: String, store: DeadLetterStore) {
        self.service = service
        self.store = store
    }

    struct Page: ResponseEncodable {
        let items: [DeadLetter]
        /// Pass as `before` for the next (older) page; absent on the last one.
        let nextBefore: Int64?
    }

    struct Replayed: ResponseEncodable {
        let replayed: Int
    }

    struct Discarded: ResponseEncodable {
        let discarded: Int
    }

    public func addRoutes(to router: Router<ServiceRequestContext>, admins: BearerTokenMiddleware) {
        let letters = router.group("/api/dead-letters/:service").add(middleware: admins)
        letters.get(use: list)
        letters.delete(use: discardAll)
        letters.post("replay", use: replayAll)
        letters.get(":id", use: show)
        letters.delete(":id", use: discard)
        letters.post(":id/replay", use: replay)
    }

    @Sendable func list(request: Request, context: ServiceRequestContext) async throws -> Page {
        try ownService(context)
        let limit = try request.integer("limit", default: 50, in: 1...500)
        let before = try request.uri.queryParameters["before"].map { text in
            guard let value = Int64(text), value > 0 else { throw APIError.invalid("before", "before must be a dead letter's id") }
            return value
        }
        let items = try await store.list(try filter(request), limit: limit, before: before)
        return Page(items: items, nextBefore: items.count == limit ? items.last?.id : nil)
    }

    @Sendable func show(request: Request, context: ServiceRequestContext) async throws -> DeadLetter {
        try ownService(context)
        guard let letter = try await store.find(try id(context)) else { throw APIError.notFound("dead letter") }
        return letter
    }

    @Sendable func replay(request: Request, context: ServiceRequestContext) async throws -> Replayed {
        try ownService(context)
        let id = try id(context)
        guard try await brokerTakes({ try await store.replay(id) }) else { throw APIError.notFound("dead letter") }
        return Replayed(replayed: 1)
    }

    @Sendable func replayAll(request: Request, context: ServiceRequestContext) async throws -> Replayed {
        try ownService(context)
        let filter = try filter(request)
        return Replayed(replayed: try await brokerTakes { try await store.replayAll(filter) })
    }

    @Sendable func discard(request: Request, context: ServiceRequestContext) async throws -> Discarded {
        try ownService(context)
        guard try await store.discard(try id(context)) else { throw APIError.notFound("dead letter") }
        return Discarded(discarded: 1)
    }

    @Sendable func discardAll(request: Request, context: ServiceRequestContext) async throws -> Discarded {
        try ownService(context)
        return Discarded(discarded: try await store.discardAll(try filter(request)))
    }

    /// Another service's name is not found here (the edge sends each name to its own service).
    private func ownService(_ context: ServiceRequestContext) throws {
        guard context.parameters.get("service") == service else { throw APIError.notFound("service") }
    }

    private func id(_ context: ServiceRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError.malformed("a dead letter's id is a whole number")
        }
        return id
    }

    private func filter(_ request: Request) throws -> DeadLetterStore.Filter {
        func text(_ name: String) throws -> String? {
            guard let value = request.uri.queryParameters[Substring(name)].map(String.init) else { return nil }
            guard !value.isEmpty, value.count <= 200 else { throw APIError.invalid(name, "\(name) must be 1 to 200 characters") }
            // PostgreSQL text cannot hold NUL: refused here, not with a 500 from the database (found by fuzzing).
            guard !value.contains("\0") else { throw APIError.invalid(name, "\(name) must not contain the NUL character") }
            return value
        }
        return DeadLetterStore.Filter(queue: try text("queue"), type: try text("type"))
    }

    /// A replay the broker cannot take now is a 503: the letters stay where they are.
    private func brokerTakes<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch is AMQPError, is TimeoutError {
            throw APIError(.serviceUnavailable, code: "unavailable", message: "the broker did not take the replay; try again shortly")
        }
    }
}

extension DeadLetter: ResponseEncodable {}
