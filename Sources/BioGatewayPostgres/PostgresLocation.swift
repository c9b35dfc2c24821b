import Foundation
import PostgresNIO

/// Where the shared cache lives: a `postgres://` (or `postgresql://`) URL, read once.
///
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require][&max_connections=N]`;
/// a `host` query item starting with `/` names a Unix socket folder instead; `max_connections` bounds this
/// gateway's connections (default 16: the server's `max_connections` must cover every replica's). The password may come apart from the URL
/// (a setting or a file), so that the URL can be shown, redacted, and kept in ordinary configuration.
package struct PostgresLocation: Sendable {
    package var host: String
    package var port: Int
    package var socketPath: String?
    package var username: String
    package var password: String?
    package var database: String
    package var sslMode: String
    /// The most connections this gateway opens.
    package var maximumConnections: Int

    /// Reads `url`; `password`, when given, is used instead of one in the URL.
    package init(url: String, password: String? = nil) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else { throw PostgresStoreError("not a postgres:// URL") }
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        if let host = items["host"], host.hasPrefix("/") {
            let port = components.port ?? 5432
            self.socketPath = "\(host)/.s.PGSQL.\(port)"
        }
        guard components.host?.isEmpty == false || self.socketPath != nil else { throw PostgresStoreError("the URL names no host") }
        self.host = components.host ?? "localhost"
        self.port = components.port ?? 5432
        self.username = components.user?.removingPercentEncoding ?? "postgres"
        self.password = password ?? components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? self.username : path
        self.sslMode = items["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require"].contains(self.sslMode) else {
            throw PostgresStoreError("sslmode must be disable, prefer or require")
        }
        guard let maximum = Int(items["max_connections"] ?? "16"), (1...1000).contains(maximum) else {
            throw PostgresStoreError("max_connections must be a whole number from 1 to 1000")
        }
        self.maximumConnections = maximum
    }

    /// The connection pool's configuration.
    package var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath = self.socketPath {
            configuration = .init(unixSocketPath: socketPath, username: self.username, password: self.password, database: self.database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch self.sslMode {
                case "disable": .disable
                case "require": .require(.makeClientConfiguration())
                default: .prefer(.makeClientConfiguration())
                }
            configuration = .init(
                host: self.host,
                port: self.port,
                username: self.username,
                password: self.password,
                database: self.database,
                tls: tls
            )
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = self.maximumConnections
        return configuration
    }
}
