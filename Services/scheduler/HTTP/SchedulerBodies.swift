import EventContracts
import Foundation
import Hummingbird
import SchedulerAPI

// The bodies of the scheduler API are the types generated from Services/scheduler/openapi.yaml
// (docs/api.md): requests are decoded into them, responses built from them, so a field renamed or
// retyped in the document fails to compile here instead of drifting from it.

typealias Documented = Components.Schemas

extension Documented.Queue: ResponseEncodable {}
extension Documented.EmployeeList: ResponseEncodable {}
extension Documented.Employee: ResponseEncodable {}
extension Documented.AvailabilityChange: ResponseEncodable {}

extension Availability {
    var body: Documented.Availability {
        switch self {
        case .available: .available
        case .away: .away
        }
    }

    init(_ body: Documented.Availability) {
        switch body {
        case .available: self = .available
        case .away: self = .away
        }
    }
}

extension EmployeeSummary {
    var body: Documented.Employee {
        Documented.Employee(
            active: active, availability: availability.body, availabilityReason: availabilityReason,
            capacity: capacity, fullName: fullName, id: id.uuidString, idleSince: idleSince, load: load, offlineSince: offlineSince,
            online: online, skills: skills, username: username
        )
    }
}

extension WaitReason {
    var body: Documented.WaitReason {
        let code: Documented.WaitReason.CodePayload =
            switch code {
            case .retryWait: .retryWait
            case .noSkill: .noSkill
            case .nobodyOnline: .nobodyOnline
            case .everyoneAway: .everyoneAway
            case .everyoneFull: .everyoneFull
            case .declinedHold: .declinedHold
            case .next: .next
            }
        return Documented.WaitReason(code: code, text: text)
    }
}
