import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import BioGatewayAPI

/// The handler's mechanics on an embedded channel: which requests it answers, when, and in what order, with
/// an answering function that answers `GET /hit` and nothing else.
@Suite struct ReadyHitHandlerTests {
    func channel() -> EmbeddedChannel {
        EmbeddedChannel(
            handler: ReadyHitHandler(peer: "192.0.2.7") { request, peer in
                guard request.path == "/hit" else { return nil }
                return (HTTPResponse(status: .ok, headerFields: [.server: peer]), ByteBuffer(string: "kept"))
            }
        )
    }

    func head(_ path: String, method: HTTPRequest.Method = .get, _ headers: HTTPFields = [:]) -> HTTPRequestPart {
        .head(HTTPRequest(method: method, scheme: nil, authority: "gateway", path: path, headerFields: headers))
    }

    /// What the handler wrote: the status of each head, and the body bytes, in order.
    func written(_ channel: EmbeddedChannel) throws -> [String] {
        var parts: [String] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            switch part {
            case .head(let response): parts.append("\(response.status.code) \(response.headerFields[.server] ?? "")")
            case .body(let body): parts.append(String(buffer: body))
            case .end: parts.append("end")
            }
        }
        return parts
    }

    /// The requests handed on (to the router), by path.
    func handedOn(_ channel: EmbeddedChannel) throws -> [String] {
        var paths: [String] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) {
            if case .head(let request) = part { paths.append(request.path ?? "") }
        }
        return paths
    }

    @Test func aHitIsAnsweredWhenItsRequestHasBeenReadAndNothingIsHandedOn() throws {
        let channel = self.channel()
        try channel.writeInbound(self.head("/hit"))
        #expect(try self.written(channel).isEmpty)
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try self.written(channel) == ["200 192.0.2.7", "kept", "end"])
        #expect(try self.handedOn(channel).isEmpty)
    }

    @Test func otherRequestsAreHandedOnWhole() throws {
        let channel = self.channel()
        let requests: [HTTPRequestPart] = [
            self.head("/miss"),
            // not a GET, a body, a closing connection: never answered here
            self.head("/hit", method: .post, [.contentLength: "2"]),
            self.head("/hit", [.transferEncoding: "chunked"]),
            self.head("/hit", [.connection: "close"]),
        ]
        for request in requests {
            try channel.writeInbound(request)
            if case .head(let head) = request, head.headerFields[.contentLength] != nil {
                try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "{}")))
            }
            try channel.writeInbound(HTTPRequestPart.end(nil))
            // the router answers each before the next
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .notFound)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        #expect(try self.handedOn(channel) == ["/miss", "/hit", "/hit", "/hit"])
        #expect(try self.written(channel) == Array(repeating: ["404 ", "end"], count: 4).flatMap { $0 })
    }

    @Test func hitsBehindARequestTheRouterHasNotAnsweredWaitTheirTurnThere() throws {
        let channel = self.channel()
        try channel.writeInbound(self.head("/miss"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        // pipelined behind it: handed on too, so that answers leave in order
        try channel.writeInbound(self.head("/hit"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try self.handedOn(channel) == ["/miss", "/hit"])
        #expect(try self.written(channel).isEmpty)
        // the router answers both; the next hit is answered here again
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        try channel.writeInbound(self.head("/hit"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try self.handedOn(channel).isEmpty)
        #expect(try self.written(channel) == ["200 ", "end", "200 ", "end", "200 192.0.2.7", "kept", "end"])
    }

    @Test func aClientThatIsNotReadingGetsNoMoreWrittenHere() throws {
        let channel = self.channel()
        channel.isWritable = false
        try channel.writeInbound(self.head("/hit"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        // the router's own back-pressure applies to it instead
        #expect(try self.handedOn(channel) == ["/hit"])
        #expect(try self.written(channel).isEmpty)
    }
}
