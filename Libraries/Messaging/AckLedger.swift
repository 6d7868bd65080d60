/// Which acknowledgements to send for one session's deliveries, so that a run of handled
/// deliveries at the front goes to the broker as a single `multiple` ack instead of one frame
/// each. A `multiple` ack covers every delivery up to its tag still unacknowledged on the
/// channel, so it is sent only up to the first delivery not yet settled; acks past it go one by
/// one. Used only on the connection's owning thread.
struct AckLedger {
    /// Delivered tags in order; those before `head` are settled.
    private var delivered: [UInt64] = []
    private var head = 0
    /// Tags at or after `head` already settled by an ack or reject of their own.
    private var settledAlone: Set<UInt64> = []

    /// A delivery arrived (tags only grow on a channel).
    mutating func delivered(_ tag: UInt64) {
        delivered.append(tag)
    }

    /// A reject was sent for `tag`.
    mutating func rejected(_ tag: UInt64) {
        settledAlone.insert(tag)
    }

    /// The acks to send for `tags`: one `multiple` ack for the run they complete at the front,
    /// then a single ack for each of the rest. A tag already settled, or never delivered on
    /// this session, gets none (a second ack of a tag would close the channel).
    mutating func acks(for tags: some Sequence<UInt64>) -> [(tag: UInt64, multiple: Bool)] {
        var pending = Set(tags)
        var runEnd: UInt64?
        while head < delivered.count {
            let tag = delivered[head]
            if pending.remove(tag) != nil {
                runEnd = tag
            } else if settledAlone.remove(tag) == nil {
                break
            }
            head += 1
        }
        if head > 1_024, head * 2 > delivered.count {
            delivered.removeFirst(head)
            head = 0
        }
        var acks: [(tag: UInt64, multiple: Bool)] = []
        if let runEnd { acks.append((runEnd, true)) }
        guard !pending.isEmpty else { return acks }
        let outstanding = Set(delivered[head...])
        for tag in pending.sorted() where outstanding.contains(tag) && !settledAlone.contains(tag) {
            acks.append((tag, false))
            settledAlone.insert(tag)
        }
        return acks
    }

    /// Deliveries neither acknowledged nor rejected yet.
    var unsettledCount: Int { delivered.count - head - settledAlone.count }
}
