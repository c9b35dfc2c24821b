import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 channel behind ``ConnectionLimits``: a connection past a bound gets one short
/// answer — `503` with a problem document, `Retry-After` and `Connection: close` — and is closed at once,
/// before any of its bytes are read.
///
/// An admitted connection answers fresh memory-tier hits where they are read (``ReadyHitHandler``).
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: ConnectionLimits
    /// Nil when the memory tier is off (no hit could be answered where it is read).
    let hits: ReadyHits?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let refusal = self.limits.admit(address)
        if refusal == nil {
            let limits = self.limits
            channel.closeFuture.whenComplete { _ in limits.release(address) }
        }
        let hits = self.hits
        return self.inner.setup(channel: channel, logger: logger).flatMap { value in
            guard let refusal else {
                // on the channel's event loop already: the handler is made and added there, never sent across
                return channel.eventLoop.makeCompletedFuture {
                    // behind Hummingbird's connection handler; were it ever missing, the router answers everything
                    if let hits, let state = try? channel.pipeline.syncOperations.handler(type: HTTPConnectionStateHandler.self) {
                        try channel.pipeline.syncOperations.addHandler(
                            ReadyHitHandler(peer: address, answering: hits.answer),
                            position: .after(state)
                        )
                    }
                    return value
                }
            }
            logger.notice(
                "connection refused: too many open",
                metadata: ["client": "\(address)", "bound": "\(refusal == .total ? "total" : "per-client")"]
            )
            // on the channel's event loop already: the handler is made and added there, never sent across
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RefuseConnectionHandler(refusal: refusal), position: .first)
                return value
            }
        }
    }

    func handle(value: Value, logger: Logger) async {
        await self.inner.handle(value: value, logger: logger)
    }
}

/// First in a refused connection's pipeline: writes the 503 straight to the socket, reads nothing, closes.
final class RefuseConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let refusal: ConnectionLimits.Refusal

    init(refusal: ConnectionLimits.Refusal) { self.refusal = refusal }

    func handlerAdded(context: ChannelHandlerContext) {
        let detail =
            self.refusal == .total
            ? "The gateway has as many connections open as it serves at once; retry shortly."
            : "This address has as many connections open to the gateway as one client may; reuse them or close some."
        let body = #"{"detail":"\#(detail)","status":503,"title":"Too many connections","type":"urn:biogateway:problem:too-many-connections"}"#
        let head =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\n"
            + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        let response = context.channel.allocator.buffer(string: head + body)
        let channel = context.channel
        context.writeAndFlush(NIOAny(response)).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // the request is not read: the connection is closing
    }
}
