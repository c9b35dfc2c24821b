import BioGatewayJSON
import BioGatewayQuery

/// How many records match, and whether that count is exact.
public struct RecordTotal: Sendable, Hashable {
    /// The count, or the lower bound.
    public var value: Int
    /// `true` when ``value`` is a lower bound (VertNet's `">10000"`).
    public var isLowerBound: Bool

    public init(value: Int, isLowerBound: Bool) {
        self.value = value
        self.isLowerBound = isLowerBound
    }

    /// `{"value": …, "relation": "eq"|"gte"}`.
    public var json: JSONValue {
        ["value": .integer(Int64(self.value)), "relation": .string(self.isLowerBound ? "gte" : "eq")]
    }
}

/// Where a federated search has got to in each source; what a `next` cursor carries.
public struct PagePosition: Sendable, Hashable {
    /// One source's progress.
    public struct Progress: Sendable, Hashable {
        /// Records of this source already returned.
        public var offset = 0
        /// NHM: the `after` value of the last page (the sort values of its last record), used past the
        /// 10,000 window.
        public var after: [JSONValue]?
        /// VertNet: its cursor for the next page.
        public var cursor: String?
        /// No records remain (or the source was given up on).
        public var done = false
        /// The source's total, as last reported.
        public var total: RecordTotal?
        /// Pages in a row on which this source failed; after ``PagePosition/maximumFailures`` it is given up.
        public var failures = 0

        public init() {}

        /// Moves past a page fetched from here: NHM is exhausted when it sends no `after` or fewer records
        /// than asked for; VertNet when its cursor is null or the page is empty.
        public mutating func advance(past page: SourcePage, requested: Int, from source: UpstreamSource) {
            self.failures = 0
            self.offset += page.records.count
            self.total = page.total
            switch source {
            case .nhm:
                self.after = page.after
                self.done = page.after == nil || page.records.count < requested
            case .vertnet:
                self.cursor = page.cursor
                self.done = page.cursor == nil || page.records.isEmpty
            }
        }
    }

    /// Consecutive failed pages after which a source is given up on (so a script following `next` ends).
    public static let maximumFailures = 3

    /// The progress of each source.
    public var progress: [UpstreamSource: Progress] = [:]

    public init() {}

    /// This position as JSON (`{"nhm": {"o": 1000, "a": [...], "t": [2500, 0]}, ...}`).
    var json: JSONValue {
        var object = JSONObject()
        for source in UpstreamSource.allCases {
            guard let progress = self.progress[source] else { continue }
            var item = JSONObject()
            item["o"] = .integer(Int64(progress.offset))
            if let after = progress.after { item["a"] = .array(after) }
            if let cursor = progress.cursor { item["c"] = .string(cursor) }
            if progress.done { item["d"] = true }
            if let total = progress.total { item["t"] = [.integer(Int64(total.value)), .bool(total.isLowerBound)] }
            if progress.failures > 0 { item["f"] = .integer(Int64(progress.failures)) }
            object[source.rawValue] = .object(item)
        }
        return .object(object)
    }

    /// Reads what ``json`` wrote; nil for anything else.
    init?(json: JSONValue) {
        guard let object = json.objectValue else { return nil }
        for (name, value) in object {
            guard let source = UpstreamSource(rawValue: name), let item = value.objectValue,
                let offset = item["o"]?.integerValue, offset >= 0
            else { return nil }
            var progress = Progress()
            progress.offset = Int(offset)
            switch item["a"] {
            case nil: break
            case .array(let values): progress.after = values
            default: return nil
            }
            switch item["c"] {
            case nil: break
            case .string(let cursor): progress.cursor = cursor
            default: return nil
            }
            progress.done = item["d"] == .bool(true)
            if let total = item["t"]?.arrayValue {
                guard total.count == 2, let value = total[0].integerValue, case .bool(let isLowerBound) = total[1] else { return nil }
                progress.total = RecordTotal(value: Int(value), isLowerBound: isLowerBound)
            }
            progress.failures = Int(item["f"]?.integerValue ?? 0)
            self.progress[source] = progress
        }
    }
}
