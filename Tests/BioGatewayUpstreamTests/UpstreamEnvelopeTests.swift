import BioGatewayJSON
import BioGatewayQuery
import Foundation
import NIOCore
import Testing

@testable import BioGatewayUpstream

@Suite("Upstream envelope")
struct UpstreamEnvelopeTests {
    /// The recorded answers the simulator serves (this repository's copies of shared/fixtures).
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/BioGatewaySimulator/Fixtures")

    /// The answer bodies recorded in a fixture (one recording, or a list of them), written as the upstreams
    /// write them (Python's separators).
    static func bodies(_ path: String) throws -> [[UInt8]] {
        let recorded = try JSONParser.parse(Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(path))))
        let recordings: [JSONValue] = recorded.arrayValue ?? [recorded]
        return recordings.compactMap { $0["response"]?["body"] }.map { JSONWriter(style: .python).bytes($0) }
    }

    /// The classification by scanning, or nil when the scan rejects the body.
    static func scanned(_ body: [UInt8], _ source: UpstreamSource, _ endpoint: String = "") -> UpstreamEnvelope.Kind? {
        body.withUnsafeBytes { try? UpstreamEnvelope.scanned($0, from: source, endpoint: endpoint) }
    }

    static func isJSON(_ kind: UpstreamEnvelope.Kind) -> Bool {
        if case .invalid(let reason) = kind { return !reason.hasPrefix("the body is not valid JSON") }
        return true
    }

    @Test(
        arguments: [
            ("nhm/datastore_search_jones_2015_first50.json", UpstreamSource.nhm, "datastore_search", 50),
            ("vertnet/searchbyterm.json", .vertnet, "search", -1),
            ("vertnet/searchbyterm_multiyear_param.json", .vertnet, "search", -1),
            ("vertnet/spatialsearch.json", .vertnet, "search", -1),
            ("vertnet/traitsearch.json", .vertnet, "search", -1),
        ]
    )
    func recordedAnswersAreResultsEitherWay(_ path: String, _ source: UpstreamSource, _ endpoint: String, _ records: Int) throws {
        let bodies = try Self.bodies(path)
        #expect(!bodies.isEmpty)
        for body in bodies {
            let parsed = UpstreamEnvelope.parsed(body, from: source, endpoint: endpoint)
            guard case .result(let count) = parsed else {
                Issue.record("\(path): \(parsed)")
                continue
            }
            if records >= 0 { #expect(count == records) }
            #expect(Self.scanned(body, source, endpoint) == parsed)
            #expect(UpstreamEnvelope.classify(ByteBuffer(bytes: body), from: source, endpoint: endpoint) == parsed)
        }
    }

    @Test(
        arguments: [
            (#"{"success": true, "result": {"records": [{"_id": 1}, {}], "total": 2}}"#, UpstreamSource.nhm, "datastore_search"),
            (#"{"success": true, "result": {"records": [{"_id": 1}, 2]}}"#, .nhm, "datastore_search"),
            (#"{"success": true, "result": {"records": {}}}"#, .nhm, ""),
            (#"{"success": true, "result": {}}"#, .nhm, "vds_basic_query"),
            (#"{"success": true, "result": []}"#, .nhm, "datastore_search"),
            (#"{"success": true}"#, .nhm, "datastore_search"),
            (#"{"success": true, "result": {"records": [{"resource": "r"}, {"resource": ""}]}}"#, .nhm, "vds_multi_query"),
            (#"{"success": true, "result": {"records": [{"resource": 1}]}}"#, .nhm, "vds_multi_query"),
            (#"{"success": true, "result": {"records": [{"resource": "r", "resource": ""}]}}"#, .nhm, "vds_multi_query"),
            (#"{"success": true, "result": {"records": [{"resource": "", "resource": "r"}]}}"#, .nhm, "vds_multi_query"),
            (#"{"success": true, "result": 12}"#, .nhm, "datastore_count"),
            (#"{"success": true, "result": null}"#, .nhm, "datastore_count"),
            (#"{"success": true}"#, .nhm, "datastore_count"),
            (#"{"success": false, "error": {"message": "no"}}"#, .nhm, "datastore_search"),
            (#"{"success": false, "error": "no"}"#, .nhm, "datastore_search"),
            (#"{"success": "true", "result": {"records": []}}"#, .nhm, "datastore_search"),
            (#"{"result": {"records": []}}"#, .nhm, "datastore_search"),
            (#"{"success": false, "success": true, "result": {"records": [{}]}}"#, .nhm, "datastore_search"),
            (#"{"success": true, "result": {"records": [1]}, "result": {"records": []}}"#, .nhm, "datastore_search"),
            (#"{"success": true, "result": {"records": []}, "result": 5}"#, .nhm, "datastore_search"),
            (#"{"succ\u0065ss": true, "r\u0065sult": {"rec\u006frds": [{}]}}"#, .nhm, "datastore_search"),
            (#"[{"success": true}]"#, .nhm, "datastore_search"),
            (#""text""#, .vertnet, "search"),
            (#"{"recs": [{"keyname": "k"}, {"occurrenceid": "o"}, {"iptrecordid": "i"}]}"#, .vertnet, "search"),
            (#"{"recs": [{"keyname": "k"}, {"occurrenceid": ""}]}"#, .vertnet, "search"),
            (#"{"recs": [{"keyname": ["k"]}]}"#, .vertnet, "search"),
            (#"{"recs": [{"k\u0065yname": "k"}]}"#, .vertnet, "search"),
            (#"{"recs": []}"#, .vertnet, "search"),
            (#"{"recs": {}}"#, .vertnet, "search"),
            (#"{"matching_records": 0}"#, .vertnet, "search"),
            (#"{"recs": [{"keyname": "k"}]} x"#, .vertnet, "search"),
            (#"{"recs": [{"keyname": "k"}"#, .vertnet, "search"),
        ]
    )
    func scanningAgreesWithParsing(_ text: String, _ source: UpstreamSource, _ endpoint: String) {
        let body = Array(text.utf8)
        let parsed = UpstreamEnvelope.parsed(body, from: source, endpoint: endpoint)
        let scanned = Self.scanned(body, source, endpoint)
        if Self.isJSON(parsed) {
            #expect(scanned == parsed)
        } else {
            #expect(scanned == nil)
        }
        #expect(UpstreamEnvelope.classify(ByteBuffer(bytes: body), from: source, endpoint: endpoint) == parsed)
    }

    /// Bodies damaged at random (bytes replaced, removed, the rest cut off): the scan accepts exactly what the
    /// parser accepts, and classifies it the same way.
    @Test(arguments: [UpstreamSource.nhm, .vertnet])
    func scanningAgreesWithParsingOnDamagedBodies(_ source: UpstreamSource) {
        let text =
            source == .nhm
            ? #"{"help": "h", "success": true, "result": {"records": [{"_id": 1, "name": "Ab\u00e9", "x": [1.5e3, -0, null, false]}], "total": 1}}"#
            : #"{"recs": [{"keyname": "k1", "year": "1901", "n": [1e2, true]}, {"occurrenceid": "o", "x": {}}], "matching_records": "2"}"#
        let document = Array(text.utf8)
        let replacements = Array(#"{}[]":,"\ 0e-.tnu"#.utf8)
        var random = SplitMix64(seed: source == .nhm ? 11 : 12)
        for _ in 0..<4000 {
            var damaged = document
            for _ in 0..<(1 + random.next() % 3) where !damaged.isEmpty {
                let position = Int(random.next() % UInt64(damaged.count))
                switch random.next() % 4 {
                case 0, 1: damaged[position] = replacements[Int(random.next() % UInt64(replacements.count))]
                case 2: damaged.remove(at: position)
                default: damaged.removeSubrange(position...)
                }
            }
            let parsed = UpstreamEnvelope.parsed(damaged, from: source, endpoint: "")
            let scanned = Self.scanned(damaged, source)
            #expect(Self.isJSON(parsed) ? scanned == parsed : scanned == nil, "\(String(decoding: damaged, as: UTF8.self))")
        }
    }
}
