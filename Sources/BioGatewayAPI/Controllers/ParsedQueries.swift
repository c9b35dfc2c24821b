import BioGatewayCache

/// The drop-in endpoints' validated queries, by the text they were parsed from: a repeated question (what
/// a cache hit is) skips parsing, defaults, canonicalisation and hashing, which are pure functions of that
/// text. Only accepted queries are kept; texts longer than ``maximumTextBytes`` are parsed every time.
/// Bounded by bytes, least recently used out first (a ``MemoryCache``).
struct ParsedQueries<Query: Sendable>: Sendable {
    /// The longest text whose parse is kept.
    static var maximumTextBytes: Int { 4096 }

    private let kept = MemoryCache<Query>(maximumBytes: 8 << 20)

    /// The query parsed from `text`: kept, or parsed now by `parse` (and kept if accepted).
    func query(for text: String, parse: (String) throws -> Query) throws -> Query {
        let size = text.utf8.count
        guard size <= Self.maximumTextBytes else { return try parse(text) }
        if let query = self.kept.value(forKey: text) { return query }
        let query = try parse(text)
        // the text, the canonical form and the parsed values: about three times the text, and a slot
        self.kept.store(query, size: 3 * size + 512, forKey: text)
        return query
    }
}
