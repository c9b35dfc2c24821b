import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers what goes wrong below the routes with a problem document instead of a bare status, as every
/// other refusal is answered:
/// - a request the HTTP parser refuses (a request line or head past the parser's bounds, too many header
///   fields, `Content-Length` with `Transfer-Encoding`, malformed framing): `400` with a problem naming why,
///   then the connection is closed (Hummingbird alone sends a bodiless `400`);
/// - a request whose body stops coming, closed by the idle timeout: `408` with a problem, then the close
///   (Hummingbird alone closes without a word, as a client then sees a reset, not a reason).
///
/// It sits right after the HTTP codec, so it sees every request part and every response part; it writes only
/// when no answer to the current request has started.
final class HTTPProtocolProblemHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request's head has arrived and its end has not.
    private var readingBody = false
    /// The current request has been answered (a final response head was written).
    private var answered = false
    /// A response has started and not ended.
    private var responding = false
    /// A problem of this handler's own has been written: nothing more is.
    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            self.readingBody = true
            self.answered = false
        case .body: break
        case .end: self.readingBody = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            self.answered = true
            self.responding = true
        case .head, .body: break
        case .end: self.responding = false
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !self.responding, !self.closing else {
            context.fireErrorCaught(error)
            return
        }
        // the parser stops here: answer, then close (the error is not passed on, or Hummingbird would send
        // its own bodiless 400 after this one)
        let problem = ProblemDetails(
            slug: "malformed-request",
            title: "Malformed HTTP request",
            status: 400,
            detail: Self.reason(parserError)
        )
        self.answer(problem, context: context)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // closed while the request's body was still due and before any answer: the idle timeout
        if mode == .all, self.readingBody, !self.answered, !self.closing, context.channel.isActive {
            let problem = ProblemDetails(
                slug: "request-timeout",
                title: "Request timeout",
                status: 408,
                detail: "The request's body stopped arriving before it was complete; the connection is closed."
            )
            // the close goes on once the problem is out (through the pipeline again: `closing` lets it pass)
            let channel = context.channel
            self.answer(problem, context: context) { channel.close(mode: mode, promise: promise) }
            return
        }
        context.close(mode: mode, promise: promise)
    }

    /// Writes `problem` as the whole response (its document encoded once), then runs `then`: by default,
    /// closes the connection.
    private func answer(_ problem: ProblemDetails, context: ChannelHandlerContext, then: (@Sendable () -> Void)? = nil) {
        self.closing = true
        self.answered = true
        let document = problem.document
        var fields: HTTPFields = [
            .contentType: "application/problem+json",
            .contentLength: String(document.count),
            .connection: "close",
        ]
        fields[.xContentTypeOptions] = "nosniff"
        context.write(self.wrapOutboundOut(.head(HTTPResponse(status: problem.status, headerFields: fields))), promise: nil)
        context.write(self.wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: document))), promise: nil)
        let channel = context.channel
        let then = then ?? { channel.close(promise: nil) }
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in then() }
    }

    /// Why the parser refused the request, in words a client's author can act on.
    static func reason(_ error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow:
            return
                "The request line and headers are larger than the gateway reads (80 KB, at most 1,000 header fields); send a long query as a POST body."
        case .unexpectedContentLength:
            return "The request has both Content-Length and Transfer-Encoding, or a Content-Length it cannot have; send one framing."
        case .invalidContentLength:
            return "The Content-Length header is not a valid length."
        case .invalidChunkSize, .invalidEOFState, .closedConnection:
            return "The request's body framing is malformed (chunked encoding)."
        case .invalidHeaderToken, .invalidConstant, .lfExpected, .invalidCharactersUsed:
            return "A header line is malformed (invalid characters, or a bare CR or LF)."
        case .invalidURL:
            return "The request target is not a valid URL path and query."
        case .invalidMethod:
            return "The request method is not a valid HTTP method."
        case .invalidVersion:
            return "The HTTP version is not one the gateway speaks (HTTP/1.0 or HTTP/1.1)."
        default:
            return "The request is not valid HTTP/1.1 (\(error))."
        }
    }
}
