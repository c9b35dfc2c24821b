import BioGatewayJSON
import BioGatewayQuery

extension UpstreamEnvelope {
    /// The classification read in one pass over the bytes, building nothing: the same as
    /// ``parsed(_:from:endpoint:)`` for every body that is JSON (a duplicate key counts by its last value,
    /// as the parser keeps it). Throws for a body that is not.
    static func scanned(_ bytes: UnsafeRawBufferPointer, from source: UpstreamSource, endpoint: String) throws -> Kind {
        try JSONScanner.scan(bytes) { scanner in
            guard try scanner.peek() == .object else {
                try scanner.skipValue()
                return .invalid("the body is not a JSON object")
            }
            switch source {
            case .nhm: return try Self.scannedNHM(&scanner, endpoint: endpoint)
            case .vertnet: return try Self.scannedVertNet(&scanner, ids: Self.recordIDs(from: source, endpoint: endpoint))
            }
        }
    }

    /// What a page's records array turned out to be.
    private enum ScannedRecords {
        case missing
        case notArray
        case array(count: Int, problem: String?)
    }

    /// What an NHM answer's `success` member was.
    private enum ScannedFlag {
        case missing
        case bool(Bool)
        case other
    }

    private static func scannedNHM(_ scanner: inout JSONScanner, endpoint: String) throws -> Kind {
        let searches = Self.searches(endpoint)
        let ids = Self.recordIDs(from: .nhm, endpoint: endpoint)
        var success = ScannedFlag.missing
        var hasResult = false
        // the last `result` member's records, when it was an object
        var records: ScannedRecords?
        var hasErrorObject = false
        try scanner.members { scanner, key in
            if key.equals("success") {
                success = try scanner.peek() == .bool ? .bool(try scanner.readBool()) : .other
            } else if key.equals("result") {
                hasResult = true
                records = nil
                guard searches, try scanner.peek() == .object else { return }
                var found = ScannedRecords.missing
                try scanner.members { scanner, key in
                    if key.equals("records") { found = try Self.scannedRecords(&scanner, ids: ids) }
                }
                records = found
            } else if key.equals("error") {
                hasErrorObject = try scanner.peek() == .object
            }
        }
        switch success {
        case .bool(true):
            guard searches else { return hasResult ? .result(records: 0) : .invalid("a successful NHM answer without a result") }
            switch records {
            case nil: return .invalid("a successful NHM answer without a result object")
            case .missing, .notArray: return .invalid("an NHM result without a records array")
            case .array(_, let problem?): return .invalid(problem)
            case .array(let count, nil): return .result(records: count)
            }
        case .bool(false):
            return hasErrorObject ? .error : .invalid("a failed NHM answer without an error object")
        case .missing, .other:
            return .invalid("the body is not a CKAN action envelope (no success flag)")
        }
    }

    private static func scannedVertNet(_ scanner: inout JSONScanner, ids: [StaticString]) throws -> Kind {
        var records = ScannedRecords.missing
        try scanner.members { scanner, key in
            if key.equals("recs") { records = try Self.scannedRecords(&scanner, ids: ids) }
        }
        switch records {
        case .missing, .notArray: return .invalid("the body has no recs array")
        case .array(_, let problem?): return .invalid(problem)
        case .array(let count, nil): return .result(records: count)
        }
    }

    /// Counts a records array and finds its first record that is not one, as ``recordProblem(_:ids:)`` does.
    private static func scannedRecords(_ scanner: inout JSONScanner, ids: [StaticString]) throws -> ScannedRecords {
        guard try scanner.peek() == .array else { return .notArray }
        var count = 0
        var problem: String?
        try scanner.elements { scanner, index in
            count += 1
            guard problem == nil else { return }
            guard try scanner.peek() == .object else {
                problem = "record \(index) is not an object"
                return
            }
            guard !ids.isEmpty else { return }
            // bit n: the last value of ids[n] is a non-empty string
            var identified: UInt64 = 0
            try scanner.members { scanner, key in
                guard let n = ids.firstIndex(where: { key.equals($0) }) else { return }
                let named = try scanner.peek() == .string && !(try scanner.readString().isEmpty)
                identified = named ? identified | (1 << n) : identified & ~(1 << n)
            }
            if identified == 0 { problem = Self.unidentified(index, ids: ids) }
        }
        return .array(count: count, problem: problem)
    }
}
