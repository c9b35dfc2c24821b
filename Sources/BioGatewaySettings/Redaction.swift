/// How secrets are kept out of what the gateway shows: settings, logs, `/v1/sources`, error messages.
public enum Redaction {
    /// `url` with any credentials in it (`user:password@`) replaced by `***@`, for showing and logging.
    public static func url(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
    }
}
