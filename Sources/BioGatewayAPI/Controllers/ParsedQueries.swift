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

/// What a hit answered where it is read (``ReadyHits``) needs of its question: the cache key and the notices.
/// Nothing else of the question is kept, so that a kept question costs little more than its text.
final class ReadyQuestion: Sendable {
    let key: String
    let notices: [String]

    init(_ question: DropInQuestion) {
        self.key = question.request.key
        self.notices = question.notices
    }
}

/// The questions of the drop-in GETs that ``ReadyHits`` answers, by the text they were read from: a repeated
/// question (what a cache hit is) skips parsing, defaults, canonicalisation and hashing, which are pure
/// functions of that text. Only what a hit needs is kept (``ReadyQuestion``); a question the short path may
/// not answer is remembered as such, and refused texts are not kept. Texts longer than
/// ``maximumTextBytes`` are read every time. Bounded by bytes, least recently used out first (a
/// ``MemoryCache``). The router reads each request's question itself.
///
/// One for all the drop-in endpoints, so that one bound covers them: each kept question remembers the
/// endpoint that read it, and a text another endpoint read is read again (the same text can mean different
/// questions at different endpoints).
final class ParsedQueries: Sendable {
    /// The endpoints whose questions are kept.
    enum Endpoint: Sendable {
        case vertnetSearch, datastoreSearch
    }

    /// A question (nil: one the short path may not answer) and the endpoint that read it.
    private final class Kept: Sendable {
        let endpoint: Endpoint
        let question: ReadyQuestion?

        init(endpoint: Endpoint, question: ReadyQuestion?) {
            self.endpoint = endpoint
            self.question = question
        }
    }

    /// The longest text whose question is kept.
    static var maximumTextBytes: Int { 4096 }
    /// What a kept question costs beside its text and key, as counted: its objects, its key's storage, and its
    /// slot and entry in the map. Measured (docs/performance.md, "what a kept answer costs").
    static let overheadBytes = 360

    /// The part of the memory for the hits answered where they are read (`BIOGATEWAY_MEMORY_CACHE_MAX_BYTES`)
    /// that keeps their questions: a fifth, so that the questions of the answers the rest holds are kept too
    /// (a question costs about a third as much as a small answer, and far less than a large one). The memory
    /// tier gets the rest, so that the setting bounds both.
    static func share(ofMemory bytes: Int) -> Int {
        bytes / 5
    }

    private let kept: MemoryCache<Kept>

    init(maximumBytes: Int) {
        self.kept = MemoryCache(maximumBytes: maximumBytes)
    }

    /// The question `endpoint` reads from `text`, kept or prepared now (and kept): nil when `prepare` refuses
    /// the text (throws: not kept) or finds a question the short path may not answer (returns nil: kept).
    func readyQuestion(for text: String, at endpoint: Endpoint, prepare: (String) throws -> DropInQuestion?) -> ReadyQuestion? {
        let size = text.utf8.count
        guard size <= Self.maximumTextBytes else { return (try? prepare(text))?.map(ReadyQuestion.init) }
        if let kept = self.kept.value(forKey: text), kept.endpoint == endpoint { return kept.question }
        let prepared: DropInQuestion?
        do {
            prepared = try prepare(text)
        } catch {
            return nil
        }
        let question = prepared.map(ReadyQuestion.init)
        self.kept.store(
            Kept(endpoint: endpoint, question: question),
            size: size + (question?.key.utf8.count ?? 0) + (question?.notices.reduce(0) { $0 + $1.utf8.count } ?? 0) + Self.overheadBytes,
            forKey: text
        )
        return question
    }
}
