import Foundation
import HTTPTypes

/// What a client asks of the cache in `Cache-Control` (RFC 9111 §5.2.1), and whether it takes gzip.
public struct ClientPreferences: Sendable, Hashable {
    /// `no-cache`: go upstream and refresh the entry.
    public var noCache = false
    /// `max-age=N`: accept only an entry at most N seconds old.
    public var maxAge: Int?
    /// `only-if-cached`: answer from the cache or not at all (504).
    public var onlyIfCached = false
    /// `Accept-Encoding` allows gzip.
    public var acceptsGzip = false

    public init(noCache: Bool = false, maxAge: Int? = nil, onlyIfCached: Bool = false, acceptsGzip: Bool = false) {
        self.noCache = noCache
        self.maxAge = maxAge
        self.onlyIfCached = onlyIfCached
        self.acceptsGzip = acceptsGzip
    }

    /// Reads `Cache-Control` (every field line, comma-separated directives, case-insensitive names,
    /// quoted or bare arguments; a directive with an unusable argument is ignored, as RFC 9111 asks)
    /// and `Accept-Encoding`.
    public init(headers: HTTPFields) {
        for line in headers[values: .cacheControl] {
            for directive in line.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1)
                let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
                let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""]) : nil
                switch name {
                case "no-cache": self.noCache = true
                case "only-if-cached": self.onlyIfCached = true
                case "max-age":
                    if let seconds = argument.flatMap({ Int($0) }), seconds >= 0 { self.maxAge = seconds }
                default: break
                }
            }
        }
        self.acceptsGzip = Self.acceptsGzip(headers[values: .acceptEncoding])
    }

    /// Whether `Accept-Encoding` lists `gzip` (or `*`) with a non-zero quality.
    static func acceptsGzip(_ lines: [String]) -> Bool {
        var gzip: Double?
        var wildcard: Double?
        for line in lines {
            for item in line.split(separator: ",") {
                let parameters = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parameters.first else { continue }
                var quality = 1.0
                for parameter in parameters.dropFirst() where parameter.hasPrefix("q=") {
                    quality = Double(parameter.dropFirst(2)) ?? 0
                }
                if coding == "gzip" || coding == "x-gzip" { gzip = quality } else if coding == "*" { wildcard = quality }
            }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }
}
