import BioGatewayCore
import HTTPTypes

extension ClientPreferences {
    /// Reads `Cache-Control` (every field line, comma-separated directives, case-insensitive names,
    /// quoted or bare arguments; a directive with an unusable argument is ignored, as RFC 9111 asks)
    /// and `Accept-Encoding`.
    public init(headers: HTTPFields) {
        self.init()
        HeaderList.forEachElement(of: .cacheControl, in: headers) { directive in
            let parts = directive.split(separator: "=", maxSplits: 1)
            let name = parts[0].trimmingWhitespace
            if name.equalsIgnoringCase("no-cache") {
                self.noCache = true
            } else if name.equalsIgnoringCase("only-if-cached") {
                self.onlyIfCached = true
            } else if name.equalsIgnoringCase("max-age"), parts.count > 1 {
                // quoted or bare
                var argument = parts[1].trimmingWhitespace.drop { $0 == "\"" }
                while argument.last == "\"" { argument.removeLast() }
                if let seconds = Int(argument), seconds >= 0 { self.maxAge = seconds }
            }
        }
        self.acceptsGzip = Self.acceptsGzip(headers)
    }

    /// Whether `Accept-Encoding` lists `gzip` (or `*`) with a non-zero quality.
    static func acceptsGzip(_ headers: HTTPFields) -> Bool {
        var gzip: Double?
        var wildcard: Double?
        HeaderList.forEachElement(of: .acceptEncoding, in: headers) { item in
            // the coding, then its parameters
            var coding: Substring?
            var quality = 1.0
            item.forEachPart(separatedBy: UInt8(ascii: ";")) { part in
                if coding == nil {
                    coding = part
                } else if part.utf8.count > 2, part.prefix(2).equalsIgnoringCase("q=") {
                    quality = Double(part.dropFirst(2)) ?? 0
                }
            }
            guard let coding else { return }
            if coding.equalsIgnoringCase("gzip") || coding.equalsIgnoringCase("x-gzip") {
                gzip = quality
            } else if coding == "*" {
                wildcard = quality
            }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }
}
