import Testing

@testable import NotifierService

/// Reading `Prefer: wait=N` (RFC 7240): what a long poll makes of the headers a client sends.
@Suite struct WaitPreferenceTests {
    @Test(arguments: [
        (["wait=0"], 0), (["wait=10"], 10), (["Wait = 3"], 3), (["wait=\"5\""], 5), (["respond-async, wait=2"], 2),
        (["handling=lenient", "wait=4"], 4), (["wait=7;foo=bar"], 7),
    ])
    func aWaitIsRead(headers: [String], seconds: Int) {
        #expect(WaitPreference.seconds(in: headers) == seconds)
    }

    @Test(arguments: [
        [], ["respond-async"], ["wait"], ["wait="], ["wait=-1"], ["wait=1.5"], ["wait=soon"], ["wait=٣"],
        ["wait=99999999999999999999999"], ["waiting=3"],
    ])
    func anythingElseIsIgnored(headers: [String]) {
        #expect(WaitPreference.seconds(in: headers) == nil)
    }
}
