import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// VertNet's `/api/search` (webapp) and `/api/v1/search` (api-module), quirks included: default and
/// capped `l`, string-typed values, `">10000"`, `cursor: null` on the last page, HTML 500 for bad
/// input and empty 200s for queries the backend cannot run.
struct VertNetSimulator: Sendable {
    let engine: VertNetSearchEngine
    let fixtures: VertNetFixtures

    static let webappVersion = "api.py 2017-11-24T12:16-03:00"
    static let moduleVersion = "search 2016-05-19T18:27:16+CEST"
    static let queryVersion = "search.py 2016-08-15T16:43+02:00"

    /// The effective request VertNet's code would compute, or nil when it would crash (HTML 500).
    struct Request {
        var q: String
        var limit: Int
        var cursor: String?
    }

    /// Mirrors `json.loads(self.request.get('q'))` and the `l`/`c` handling of `vertnet/service/api.py`.
    static func interpret(_ queryParameter: String?) -> Request? {
        guard let text = queryParameter, let value = try? JSONParser.parse(text), case .object(let object) = value,
            case .string(let q)? = object["q"]
        else { return nil }
        var limit: Int
        switch object["l"] {
        case nil, .null, .bool(false): limit = 0
        case .bool(true): limit = 1
        case .integer(let number): limit = Int(clamping: number)
        case .double(let number) where number == 0: limit = 0
        case .double: return nil  // QueryOptions rejects a float limit
        case .string, .array, .object: limit = 1_000  // Python 2: str/list/dict > int is True
        }
        if limit == 0 { limit = VertNetSearchQuery.defaultLimit }
        if limit > VertNetSearchQuery.maximumLimit { limit = VertNetSearchQuery.maximumLimit }
        if limit < 0 { limit = 1 }
        var cursor: String?
        switch object["c"] {
        case nil, .null, .bool(false): break
        case .string(let text) where text.isEmpty: break
        case .string(let text):
            guard text.hasPrefix("True:") || text.hasPrefix("False:") else { return nil }
            cursor = text
        default: return nil
        }
        return Request(q: q, limit: limit, cursor: cursor)
    }

    func answer(queryParameter: String?, apiModule: Bool, origin: String?, now: Date) -> SimulatedAnswer {
        guard let request = Self.interpret(queryParameter) else { return Self.serverError }
        var records: [Int] = []
        var total = 0
        var nextCursor: String?
        if request.q.hasPrefix("id:") {
            let id = String(request.q.dropFirst(3).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0])
            if let index = self.engine.firstRecord(atOrAfterID: id) {
                records = [index]
                total = 1
            }
        } else if request.cursor == nil, let recorded = self.fixtures.body(q: request.q, limit: request.limit) {
            return self.recorded(recorded, apiModule: apiModule)
        } else if let query = try? VertNetQueryParser.parse(request.q) {
            let start = request.cursor.map { VertNetCursor.offset(from: $0, query: request.q) } ?? 0
            if let start {
                let matching = self.engine.search(query)
                total = matching.count
                records = Array(matching.dropFirst(start).prefix(request.limit))
                if start + records.count < matching.count {
                    nextCursor = VertNetCursor.make(offset: start + records.count, query: request.q)
                }
            }
        }
        let matchingRecords: JSONValue = total > 10_000 ? ">10000" : .integer(Int64(total))
        return self.encode(
            request: request,
            records: records,
            cursor: nextCursor,
            matchingRecords: matchingRecords,
            apiModule: apiModule,
            origin: origin,
            now: now
        )
    }

    private func encode(
        request: Request,
        records: [Int],
        cursor: String?,
        matchingRecords: JSONValue,
        apiModule: Bool,
        origin: String?,
        now: Date
    ) -> SimulatedAnswer {
        let writer = JSONWriter(style: .python)
        var recs: [UInt8] = [UInt8(ascii: "[")]
        for (offset, index) in records.enumerated() {
            if offset > 0 { recs.append(contentsOf: ", ".utf8) }
            recs.append(contentsOf: self.engine.encodedRecords[index])
        }
        recs.append(UInt8(ascii: "]"))
        let date = Self.requestDate(now)
        let originValue: JSONValue = origin.map { .string($0) } ?? .null
        let cursorValue: JSONValue = cursor.map { .string($0) } ?? .null
        var fields: [(String, [UInt8])] = []
        if apiModule {
            fields = [
                ("recs", recs), ("cursor", writer.bytes(cursorValue)), ("matching_records", writer.bytes(matchingRecords)),
                ("limit", writer.bytes(.integer(Int64(request.limit)))),
                ("response_records", writer.bytes(.integer(Int64(records.count)))),
                ("api_version", writer.bytes(.string(Self.moduleVersion))), ("request_date", writer.bytes(.string(date))),
                ("request_origin", writer.bytes(originValue)),
            ]
        } else {
            fields = [
                ("request_date", writer.bytes(.string(date))),
                ("response_records", writer.bytes(.integer(Int64(records.count)))),
                ("submitted_query", writer.bytes(.string(request.q))), ("request_origin", writer.bytes(originValue)),
                ("limit", writer.bytes(.integer(Int64(request.limit)))), ("cursor", writer.bytes(cursorValue)),
                ("query_version", writer.bytes(.string(Self.queryVersion))), ("recs", recs),
                ("matching_records", writer.bytes(matchingRecords)), ("api_version", writer.bytes(.string(Self.webappVersion))),
            ]
        }
        var body: [UInt8] = [UInt8(ascii: "{")]
        for (offset, (key, value)) in fields.enumerated() {
            if offset > 0 { body.append(contentsOf: ", ".utf8) }
            body.append(contentsOf: "\"\(key)\": ".utf8)
            body.append(contentsOf: value)
        }
        body.append(UInt8(ascii: "}"))
        return SimulatedAnswer(status: 200, headers: Self.headers(apiModule: apiModule), body: body)
    }

    private func recorded(_ body: JSONValue, apiModule: Bool) -> SimulatedAnswer {
        SimulatedAnswer(status: 200, headers: Self.headers(apiModule: apiModule), body: JSONWriter(style: .python).bytes(body))
    }

    /// The answer VertNet gives when the backend swallowed an error: 200, no records.
    func emptyAnswer(queryParameter: String?, apiModule: Bool, now: Date) -> SimulatedAnswer {
        let request = Self.interpret(queryParameter) ?? Request(q: "", limit: VertNetSearchQuery.defaultLimit)
        return self.encode(
            request: request,
            records: [],
            cursor: nil,
            matchingRecords: 0,
            apiModule: apiModule,
            origin: nil,
            now: now
        )
    }

    static func headers(apiModule: Bool) -> [(String, String)] {
        var headers = [("Content-Type", "application/json"), ("Cache-Control", "no-cache"), ("charset", "utf-8")]
        if apiModule { headers.append(("Access-Control-Allow-Origin", "*")) }
        return headers
    }

    /// `webapp2` under `debug=True`: an uncaught exception becomes an HTML 500.
    static let serverError = SimulatedAnswer(
        status: 500,
        headers: [("Content-Type", "text/html; charset=utf-8")],
        body: Array(
            """
            <html>
              <head>
                <title>500 Internal Server Error</title>
              </head>
              <body>
                <h1>500 Internal Server Error</h1>
                The server has either erred or is incapable of performing the requested operation.<br /><br />
              </body>
            </html>
            """.utf8
        )
    )

    /// UTC ISO 8601 with microseconds and no zone, like Python's `datetime.isoformat()`.
    static func requestDate(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let micros = Int((seconds - seconds.rounded(.down)) * 1_000_000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(micros, 6))"
    }
}
