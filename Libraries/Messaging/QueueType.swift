/// The kind of durable queue a service declares (`ORCH_AMQP_QUEUE_TYPE`): classic on a single
/// broker, quorum on a cluster.
public enum QueueType: String, Sendable, CaseIterable {
    case classic
    case quorum
}
