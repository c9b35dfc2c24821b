import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A test logger that stays quiet unless something is wrong.
public let quietLogger: Logger = {
    var logger = Logger(label: "biogateway.tests")
    logger.logLevel = .error
    return logger
}()

/// Why a server did not start.
public struct ServerDidNotStart: Error {}

/// Runs an application on a loopback port for the duration of `body`, then shuts it down gracefully.
///
/// - Parameters:
///   - makeApplication: builds the application, given the `onServerRunning` callback to install.
///   - body: receives the port the server listens on.
public func withRunningApplication<App: ApplicationProtocol, Result: Sendable>(
    _ makeApplication: (@escaping @Sendable (any Channel) async -> Void) async throws -> App,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = try await makeApplication { channel in
        continuation.yield(channel.localAddress?.port ?? 0)
        continuation.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quietLogger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            throw ServerDidNotStart()
        }
        do {
            let result = try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
