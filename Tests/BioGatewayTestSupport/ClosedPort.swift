import NIOCore
import NIOPosix

/// A loopback port nothing listens on: one the system just gave out and that was closed again, so a
/// connection to it is refused at once (port 9 or another fixed port may have a listener on some machines).
public func closedLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0)
        .get()
    let port = channel.localAddress?.port ?? 9
    try await channel.close()
    return port
}
