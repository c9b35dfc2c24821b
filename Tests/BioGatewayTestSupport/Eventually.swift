import Foundation

/// Waits until `condition` holds, looking again every 20 ms, for at most `seconds`: for an event that comes
/// from another process or a background task, never for an amount of time. Returns whether it held.
public func eventually(within seconds: Double = 30, _ condition: () async -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
