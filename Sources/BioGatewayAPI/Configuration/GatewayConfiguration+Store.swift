import BioGatewayCache
import BioGatewayPostgres
import BioGatewaySettings
import BioGatewayUpstream
import Foundation
import Logging

extension GatewayConfiguration {
    /// Where the cache is kept, as the `store` setting (and `cache.path`) say.
    public enum StoreLocation: Sendable, Equatable {
        /// One SQLite file: one gateway.
        case sqlite(path: String)
        /// A PostgreSQL database (the URL as configured; its password is never shown): replicas.
        case postgres(url: String)
    }

    /// Where the cache is kept: `store` when set (a `postgres://` URL or a file path), else `cache.path`.
    public var storeLocation: StoreLocation {
        guard let store = self.cache.store else { return .sqlite(path: self.cache.path) }
        let lowered = store.lowercased()
        return lowered.hasPrefix("postgres:") || lowered.hasPrefix("postgresql:") ? .postgres(url: store) : .sqlite(path: store)
    }

    /// The store's location as logs and messages may show it (no password).
    public var storeDescription: String {
        switch self.storeLocation {
        case .sqlite(let path): "SQLite file \(path)"
        case .postgres(let url): "PostgreSQL \(Redaction.url(url))"
        }
    }

    /// The PostgreSQL password kept apart from the URL: `store.password`, else the first line of
    /// `store.password.file`, else none (the URL's, if it has one).
    func storePasswordValue() throws -> String? {
        if let password = self.cache.storePassword { return password }
        guard let file = self.cache.storePasswordFile else { return nil }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).first.map(String.init)
    }

    /// Opens the cache where the settings say, bringing its schema up to date.
    /// - Parameters:
    ///   - memoryMaximumBytes: the memory tier's bound (0: none, as the `biogateway cache` commands use).
    ///   - now: the clock that dates the daily counters.
    public func openCache(
        memoryMaximumBytes: Int = 0,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) async throws -> ResponseCache {
        let store: any CacheStore =
            switch self.storeLocation {
            case .sqlite(let path): try SQLiteCacheStore(path: path)
            case .postgres(let url):
                try await PostgresCacheStore(location: try PostgresLocation(url: url, password: try self.storePasswordValue()), logger: logger)
            }
        return try await ResponseCache(store: store, maximumBytes: self.cache.maxBytes, memoryMaximumBytes: memoryMaximumBytes, now: now)
    }
}
