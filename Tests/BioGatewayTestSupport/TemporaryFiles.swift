import Foundation

/// Runs `body` with a new, empty folder that is removed afterwards, whatever `body` does.
public func withTemporaryDirectory<Result>(_ body: (URL) async throws -> Result) async rethrows -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("biogateway-test-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// Runs `body` with the path of a cache database in a new folder, removed afterwards.
public func withTemporaryCachePath<Result>(_ body: (String) async throws -> Result) async rethrows -> Result {
    try await withTemporaryDirectory { folder in try await body(folder.appendingPathComponent("cache.sqlite").path) }
}
