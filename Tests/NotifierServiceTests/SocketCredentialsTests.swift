import HTTPTypes
import Testing

@testable import NotifierService

@Suite struct SocketCredentialsTests {
    @Test func theQueryTokenOfDesignStillWorks() {
        #expect(SocketCredentials(query: "abc", headers: [:]) == SocketCredentials(token: "abc"))
    }

    @Test func anAuthorizationHeaderWinsOverTheQuery() {
        let credentials = SocketCredentials(query: "from-url", headers: [.authorization: "Bearer from-header"])
        #expect(credentials == SocketCredentials(token: "from-header"))
    }

    @Test func aBrowserOffersTheTokenAsASubprotocolAndGetsOursAccepted() {
        let credentials = SocketCredentials(query: nil, headers: [.secWebSocketProtocol: "orchestrator, bearer.eyJ.x.y"])
        #expect(credentials == SocketCredentials(token: "eyJ.x.y", protocolToAccept: "orchestrator"))
    }

    @Test func subprotocolsInSeparateHeaderLinesAreRead() {
        var headers = HTTPFields()
        headers.append(HTTPField(name: .secWebSocketProtocol, value: "bearer.t0k"))
        headers.append(HTTPField(name: .secWebSocketProtocol, value: "orchestrator"))
        #expect(SocketCredentials(query: nil, headers: headers) == SocketCredentials(token: "t0k", protocolToAccept: "orchestrator"))
    }

    @Test func noCredentialsIsNoToken() {
        #expect(SocketCredentials(query: nil, headers: [.authorization: "Basic dXNlcg=="]) == SocketCredentials(token: nil))
        #expect(SocketCredentials(query: nil, headers: [.secWebSocketProtocol: "chat"]) == SocketCredentials(token: nil))
    }
}
