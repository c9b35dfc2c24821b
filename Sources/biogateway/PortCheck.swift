import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops the command with one line when `port` on `host` cannot be listened on (another program has it),
/// naming the flag that chooses another port, before anything slow starts. Port 0 (any free port) passes.
func exitIfPortIsTaken(host: String, port: Int, flag: String, command: String) {
    guard port != 0, let problem = portProblem(host: host, port: port) else { return }
    let suggestion = port < 65_535 ? port + 10 : 8090
    FileHandle.standardError.write(
        Data("biogateway \(command): port \(port) on \(host) is \(problem); choose another with \(flag) (e.g. \(flag) \(suggestion))\n".utf8)
    )
    exit(1)
}

/// Why a listening socket could not be bound to `host`:`port` (as the server would bind it, with
/// `SO_REUSEADDR`), when the port is the reason; nil otherwise.
func portProblem(host: String, port: Int) -> String? {
    var hints = addrinfo()
    hints.ai_flags = AI_PASSIVE
    hints.ai_family = AF_UNSPEC
    #if canImport(Glibc)
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    #else
    hints.ai_socktype = SOCK_STREAM
    #endif
    var addresses: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &addresses) == 0, let first = addresses else {
        return nil  // an address the server cannot resolve either: let it report that itself
    }
    defer { freeaddrinfo(addresses) }
    let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var one: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
        switch errno {
        case EADDRINUSE: return "already in use by another program"
        case EACCES: return "reserved (ports below 1024 need privileges)"
        default: return nil  // not about the port (an address of another machine, say): the server reports it
        }
    }
    return nil
}
