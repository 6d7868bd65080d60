import Synchronization

/// Batches that must reach the broker in the order they were sent, or not after one that failed:
/// once a batch of the sequence fails — refused, or lost with its connection — every later batch
/// of it fails too, without being sent. An outbox relay pipelines its batches: without this, a
/// batch that failed while the broker was away could be followed by the next one, sent over the
/// new connection, and the sender's retry of the first would arrive after it (the backbone's
/// order test caught it: 501–1000 before 1–500). A relay takes a new sequence per session.
public final class PublishSequence: Sendable {
    private let failure = Mutex<(any Error)?>(nil)

    public init() {}

    /// Why the sequence is broken, once a batch of it failed.
    var broken: (any Error)? { failure.withLock { $0 } }

    func fail(_ error: any Error) {
        failure.withLock { if $0 == nil { $0 = error } }
    }
}
