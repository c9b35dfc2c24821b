#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with a loopback port that refuses connections for as long as `body` runs: a socket is bound
/// to it and never listens, so no other test's server can be given the same port meanwhile (a port merely
/// closed could be handed to the next server that asks for a free one).
public func withRefusingLoopbackPort<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
    #if canImport(Glibc)
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    precondition(descriptor >= 0, "no socket for a refusing port")
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    precondition(bound, "could not bind a refusing port")
    return try await body(Int(UInt16(bigEndian: address.sin_port)))
}
