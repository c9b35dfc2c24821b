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
}
