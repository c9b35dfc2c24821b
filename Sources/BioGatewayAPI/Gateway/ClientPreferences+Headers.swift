import BioGatewayCore
import Foundation
import HTTPTypes

extension ClientPreferences {
    /// Reads `Cache-Control` (every field line, comma-separated directives, case-insensitive names,
    /// quoted or bare arguments; a directive with an unusable argument is ignored, as RFC 9111 asks)
    /// and `Accept-Encoding`.
    public init(headers: HTTPFields) {
        self.init()
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
