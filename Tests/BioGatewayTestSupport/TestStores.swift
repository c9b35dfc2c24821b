import BioGatewayAPI
import BioGatewayCache
import BioGatewayPostgres
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The cache stores a test can run against: SQLite always, PostgreSQL when `BIOGATEWAY_TEST_POSTGRES_URL`
/// names a server the tests may create databases on (the test command starts one; see scripts/test.sh).
public enum TestStore: String, Sendable {
    case sqlite
    case postgres

    /// The stores available here.
    public static var available: [TestStore] {
        TestStoreServer.url == nil ? [.sqlite] : [.sqlite, .postgres]
    }
}

/// The PostgreSQL server of the tests.
public enum TestStoreServer {
    /// `BIOGATEWAY_TEST_POSTGRES_URL`, e.g. `postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable`.
    public static var url: String? {
        ProcessInfo.processInfo.environment["BIOGATEWAY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs `statement` on the server's maintenance database.
    static func administer(_ statement: String) async throws {
        guard let url = TestStoreServer.url else { return }
        let location = try PostgresLocation(url: url)
        let client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: statement), logger: quietLogger)
        }
    }
}

/// One empty place to keep a cache, for one test: a SQLite file in a temporary folder, or a database of its
/// own on the tests' PostgreSQL server. Each ``open(maximumBytes:memoryMaximumBytes:now:)`` is a new
/// connection to the same place, as another process (or replica) would make.
public final class TestStoreLocation: Sendable {
    public let store: TestStore
    /// The `store` setting that names this place (a file path or a `postgres://` URL).
    public let setting: String
    private let folder: URL
    private let database: String?
    private let opened = Mutex<[ResponseCache]>([])

    init(_ store: TestStore) {
        self.store = store
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("biogateway-store-\(UUID().uuidString)")
        switch store {
        case .sqlite:
            self.database = nil
            self.setting = self.folder.appendingPathComponent("cache.sqlite").path
        case .postgres:
            let name = "biogateway_test_\(UInt64.random(in: 0...UInt64.max))"
            self.database = name
            var components = URLComponents(string: TestStoreServer.url ?? "postgres://localhost/postgres")!
            components.path = "/\(name)"
            // many tests run at once, each with its own gateway or cache: a few connections each
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "max_connections", value: "4")]
            self.setting = components.string!
        }
    }

    /// A new connection to this place.
    public func open(
        maximumBytes: Int = 1 << 30,
        memoryMaximumBytes: Int = 0,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> ResponseCache {
        let store: any CacheStore =
            switch self.store {
            case .sqlite: try SQLiteCacheStore(path: self.setting)
            case .postgres: try await PostgresCacheStore(location: try PostgresLocation(url: self.setting), logger: quietLogger)
            }
        let cache = try await ResponseCache(store: store, maximumBytes: maximumBytes, memoryMaximumBytes: memoryMaximumBytes, now: now)
        self.opened.withLock { $0.append(cache) }
        return cache
    }

    /// The PostgreSQL migrations applied here, in order (empty for SQLite).
    public func migrations() async throws -> [Int] {
        guard self.store == .postgres else { return [] }
        let location = try PostgresLocation(url: self.setting)
        let client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: quietLogger)
        return try await withThrowingTaskGroup(of: [Int].self) { group in
            group.addTask {
                await client.run()
                return []
            }
            defer { group.cancelAll() }
            var versions: [Int] = []
            for try await version in try await client.query("SELECT version FROM biogateway_migration ORDER BY version", logger: quietLogger)
                .decode(Int.self)
            {
                versions.append(version)
            }
            return versions
        }
    }

    fileprivate func create() async throws {
        if let database { try await TestStoreServer.administer("CREATE DATABASE \(database)") }
    }

    fileprivate func remove() async {
        for cache in self.opened.withLock({ $0 }) { try? await cache.close() }
        if let database { try? await TestStoreServer.administer("DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
        try? FileManager.default.removeItem(at: self.folder)
    }
}

/// Runs `body` with an empty place to keep a cache in `store`, removed afterwards.
public func withTestStore<Result>(_ store: TestStore, _ body: (TestStoreLocation) async throws -> Result) async throws -> Result {
    let location = TestStoreLocation(store)
    try await location.create()
    do {
        let result = try await body(location)
        await location.remove()
        return result
    } catch {
        await location.remove()
        throw error
    }
}

/// Runs `body` with the `store` setting of a new, empty place to keep a gateway's cache, removed afterwards:
/// a SQLite file, or, when `BIOGATEWAY_TEST_STORE=postgres` (the test command's second pass), a database of
/// its own on the tests' PostgreSQL server. So the gateway's whole test suite runs on both stores.
public func withTemporaryStore<Result>(_ body: (String) async throws -> Result) async throws -> Result {
    try await withTestStore(TestStore.forGateways) { place in try await body(place.setting) }
}

extension TestStore {
    /// The store the gateways of the end-to-end tests use: `BIOGATEWAY_TEST_STORE` (`sqlite`, the default,
    /// or `postgres`).
    public static var forGateways: TestStore {
        ProcessInfo.processInfo.environment["BIOGATEWAY_TEST_STORE"].flatMap(TestStore.init(rawValue:)) ?? .sqlite
    }
}

/// Opens the cache a gateway under test kept at `store` (a SQLite path or a `postgres://` URL), as another
/// process would.
public func openTestCache(_ store: String) async throws -> ResponseCache {
    var configuration = GatewayConfiguration()
    configuration.cache.store = store
    return try await configuration.openCache(logger: quietLogger)
}
