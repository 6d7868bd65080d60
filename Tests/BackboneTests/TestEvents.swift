import BackboneProbe
import EventBackbone
import Foundation
import Messaging

/// Sequenced events of a type private to one test, so tests never see each other's messages.
struct TestEvents {
    let type = "test.\(UUID().uuidString.prefix(8).lowercased())"

    func encoded(seq: Int, id: UUID = UUID()) -> EncodedEvent {
        SequencedEvents.event(type: type, seq: seq, id: id)
    }

    func message(seq: Int, id: UUID = UUID()) -> OutgoingMessage {
        SequencedEvents.message(type: type, seq: seq, id: id)
    }

    static func seq(_ body: [UInt8]) -> Int? { SequencedEvents.seq(of: body) }
}
