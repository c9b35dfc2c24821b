import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers fresh memory-tier hits (``ReadyHits``) on the connection's event loop, as soon as their request
/// has been read, and hands every other request on to Hummingbird's router.
///
/// It sits behind Hummingbird's `HTTPConnectionStateHandler`, which therefore sees every request and answer
/// (idle timeout, graceful shutdown). Answers leave in the order requests came: a hit that arrives while a
/// request handed to the router is still unanswered (a pipelining client) is handed on too. A hit is also
/// handed on when the connection is not writable (its client is not reading), so that what the gateway holds
/// for a client stays bounded by the router's own back-pressure.
final class ReadyHitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What the connection's requests are answered with here: ``ReadyHits/answer(_:peer:)``, or nil.
    typealias Answering = (HTTPRequest, _ peer: String) -> (head: HTTPResponse, body: ByteBuffer?)?

    private let answering: Answering
    private let peer: String
    /// Requests handed to the router whose answers have not all been written.
    private var routed = 0
    /// Whether the parts of the request being read go to the router.
    private var handingOn = false
    /// The answer to the hit being read, sent when its end arrives.
    private var pending: (head: HTTPResponse, body: ByteBuffer?)?
    private var unflushed = false

    init(peer: String, answering: @escaping Answering) {
        self.peer = peer
        self.answering = answering
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let request):
            if self.routed == 0, context.channel.isWritable, Self.mayAnswer(request), let answer = self.answering(request, self.peer) {
                self.pending = answer
                self.handingOn = false
                return
            }
            self.handingOn = true
            self.routed += 1
            context.fireChannelRead(data)
        case .body:
            // a request answered here has no body (``mayAnswer(_:)``)
            if self.handingOn { context.fireChannelRead(data) }
        case .end:
            guard !self.handingOn, let (head, body) = self.pending else {
                context.fireChannelRead(data)
                return
            }
            self.pending = nil
            context.write(self.wrapOutboundOut(.head(head)), promise: nil)
            if let body { context.write(self.wrapOutboundOut(.body(body)), promise: nil) }
            context.write(self.wrapOutboundOut(.end(nil)), promise: nil)
            self.unflushed = true
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.unflushed {
            self.unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // the client closed its side: what was answered here leaves before the router hears of it (it then
        // closes the gateway's side)
        if self.unflushed {
            self.unflushed = false
            context.flush()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // (the router's answer to a request it could not parse was never handed on by this handler)
        if case .end = self.unwrapOutboundIn(data) { self.routed = max(0, self.routed - 1) }
        context.write(data, promise: promise)
    }

    /// A request with no body that keeps its connection open (closing ones are the router's, which closes).
    static func mayAnswer(_ request: HTTPRequest) -> Bool {
        let headers = request.headerFields
        return request.method == .get && !headers.contains(.contentLength) && !headers.contains(.transferEncoding)
            && headers[.connection]?.lowercased().contains("close") != true
    }
}
