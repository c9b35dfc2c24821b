import BioGatewayCache
import BioGatewayQuery

/// A drop-in request's question as the cache sees it: the canonical upstream request (its key computed) and
/// the notices to send with the answer (a capped limit).
///
/// A class: a repeated question is one kept object shared by every request that asks it, on every thread,
/// so handing it out costs one reference count rather than one per string it holds.
final class DropInQuestion: Sendable {
    let request: CanonicalRequest
    let notices: [String]
    /// An NHM page by offset past the 10,000-record window, to be answered by walking `after` (``DeepPaging``).
    let walksPastWindow: Bool

    init(request: CanonicalRequest, notices: [String], walksPastWindow: Bool = false) {
        self.request = request
        self.notices = notices
        self.walksPastWindow = walksPastWindow
    }
}

/// The drop-in endpoints' validated questions, by the text they were read from: a repeated question (what a
/// cache hit is) skips parsing, defaults, canonicalisation and hashing, which are pure functions of that
/// text. Only accepted questions are kept; texts longer than ``maximumTextBytes`` are read every time.
/// Bounded by bytes, least recently used out first (a ``MemoryCache``).
struct ParsedQueries: Sendable {
    /// The longest text whose question is kept.
    static var maximumTextBytes: Int { 4096 }

    private let kept = MemoryCache<DropInQuestion>(maximumBytes: 8 << 20)

    /// The question read from `text`: kept, or prepared now (and kept if accepted).
    func question(for text: String, prepare: (String) throws -> DropInQuestion) throws -> DropInQuestion {
        let size = text.utf8.count
        guard size <= Self.maximumTextBytes else { return try prepare(text) }
        if let question = self.kept.value(forKey: text) { return question }
        let question = try prepare(text)
        // the text, the canonical JSON and its key, and a slot
        self.kept.store(question, size: size + question.request.canonicalJSON.utf8.count + 640, forKey: text)
        return question
    }
}
