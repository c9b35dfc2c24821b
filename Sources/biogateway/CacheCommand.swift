import ArgumentParser
import BioGatewayAPI
import BioGatewayCache
import BioGatewayJSON
import BioGatewayQuery
import Foundation
import Logging

/// `biogateway cache …`: inspect and maintain a cache database, also while a gateway is running on it.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect and maintain the cache database (safe while the gateway runs).",
        subcommands: [Stats.self, Purge.self, Vacuum.self, Verify.self]
    )

    /// The cache file: `--cache-path`, else BIOGATEWAY_CACHE_PATH, else the gateway's default.
    struct Location: ParsableArguments {
        @Option(help: "SQLite cache file (BIOGATEWAY_CACHE_PATH, default ./biogateway-cache.sqlite).") var cachePath: String?

        /// Opens the cache; a missing or unusable file ends the command with a readable message.
        func open() async -> ResponseCache {
            let configuration: GatewayConfiguration
            do {
                configuration = try GatewayConfiguration.load(flags: ["biogateway.cache.path": self.cachePath].compactMapValues { $0 })
            } catch {
                exitWithConfigurationError("\(error)")
            }
            if case .sqlite(let path) = configuration.storeLocation, !FileManager.default.fileExists(atPath: path) {
                exitWithConfigurationError("there is no cache database at \(path)")
            }
            return await openOrExit(configuration) {
                try await configuration.openCache(logger: Logger(label: "biogateway.cache"))
            }
        }

        /// Opens the cache, runs `body` on it and closes it, so that the command leaves no `-wal` or `-shm`
        /// file behind (unless a running gateway still has the database open).
        func use<Result>(_ body: (ResponseCache) async throws -> Result) async throws -> Result {
            let cache = await self.open()
            do {
                let result = try await body(cache)
                try? await cache.close()
                return result
            } catch {
                try? await cache.close()
                throw error
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print entries, size, compression and hit counters.")
        @OptionGroup var location: Location
        @Flag(help: "Print JSON (the same document as GET /admin/cache).") var json = false

        func run() async throws {
            let statistics = try await self.location.use { try await $0.statistics() }
            if self.json {
                print(String(decoding: JSONWriter(style: .compact).bytes(statistics.json), as: UTF8.self))
                return
            }
            func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
            let lines = [
                "entries:              \(statistics.entries) ("
                    + statistics.sources.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.entries)" }.joined(separator: ", ") + ")",
                "size:                 \(Self.bytes(statistics.bytes)) of \(Self.bytes(statistics.maximumBytes))",
                "bodies:               \(Self.bytes(statistics.bodyBytes)) stored, \(Self.bytes(statistics.identityBytes)) "
                    + "as sent (\(percent(statistics.compressionSaving)) saved by gzip)",
                "hits:                 \(statistics.hits)",
                "stale served:         \(statistics.staleServed)",
                "misses:               \(statistics.misses) (\(statistics.coalesced) coalesced)",
                "hit ratio:            \(percent(statistics.hitRatio))",
                "background refreshes: \(statistics.backgroundRefreshes)",
                "evictions:            \(statistics.evictions)",
                "oldest entry:         \(statistics.oldestEntry.map { $0.formatted(.iso8601) } ?? "none")",
            ]
            print(lines.joined(separator: "\n"))
        }

        static func bytes(_ count: Int) -> String {
            ByteCountFormatter.string(fromByteCount: Int64(count), countStyle: .binary)
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete entries: all of them, one source's, or one key.")
        @OptionGroup var location: Location
        @Option(help: "Only this source's entries (nhm or vertnet).") var source: String?
        @Option(help: "Only the entry with this key (the BioGateway-Cache-Key header).") var key: String?

        func validate() throws {
            if self.source != nil && self.key != nil { throw ValidationError("Give --source or --key, not both.") }
            if let source, UpstreamSource(rawValue: source) == nil {
                throw ValidationError("--source must be nhm or vertnet, not '\(source)'.")
            }
        }

        func run() async throws {
            let scope: ResponseCache.PurgeScope =
                if let source = self.source.flatMap(UpstreamSource.init(rawValue:)) {
                    .source(source)
                } else if let key = self.key {
                    .key(key.lowercased())
                } else {
                    .everything
                }
            let purged = try await self.location.use { try await $0.purge(scope) }
            print("purged \(purged) entr\(purged == 1 ? "y" : "ies")")
        }
    }

    struct Vacuum: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rebuild the file to give freed space back to the disk.")
        @OptionGroup var location: Location

        func run() async throws {
            let before = try await self.location.use { cache in
                let before = try await cache.statistics()
                try await cache.vacuum()
                return before
            }
            print("vacuumed: \(before.entries) entries, \(Stats.bytes(before.bytes))")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the file (integrity_check) and every stored body; drop bodies that do not match their checksum."
        )
        @OptionGroup var location: Location

        func run() async throws {
            let report = try await self.location.use { try await $0.verify() }
            print("integrity: \(report.integrity)\nintact entries: \(report.intact)\ndropped entries: \(report.dropped)")
            if report.integrity != "ok" { throw ExitCode(1) }
        }
    }
}
