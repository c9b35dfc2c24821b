import BioGatewayAPI
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Request ids the gateway makes")
struct RequestIDsTests {
    @Test func theyAreVersion4UUIDsInLowercaseAndNeverRepeat() {
        let ids = RequestIDs()
        var seen = Set<String>()
        for _ in 0..<100_000 {
            let id = ids.next()
            seen.insert(id)
            guard seen.count.isMultiple(of: 1_000) else { continue }
            #expect(UUID(uuidString: id) != nil, "\(id)")
            #expect(id == id.lowercased())
            let characters = Array(id)
            #expect(characters[14] == "4", "\(id): version")
            #expect("89ab".contains(characters[19]), "\(id): variant")
        }
        #expect(seen.count == 100_000)
    }

    @Test func twoGatewaysMakeDifferentIds() {
        #expect(RequestIDs().next() != RequestIDs().next())
    }

    @Test func aLoggersRequestIDReachesItsLinesBesideTheOtherMetadata() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "test") { label in JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } } }
        logger[metadataKey: "request_id"] = "id-1"
        logger[metadataKey: "route"] = "/x"
        logger.info("first")
        logger.info("second", metadata: ["request_id": "the line's own"])
        let written = try lines.withLock { lines in
            try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        }
        #expect(written.map { $0["request_id"] as? String } == ["id-1", "the line's own"])
        #expect(written.map { $0["route"] as? String } == ["/x", "/x"])
        #expect(logger[metadataKey: "request_id"] == "id-1")

        var handler = TextLogHandler(label: "test")
        handler.metadata = ["request_id": "id-2", "client": "ip:1.2.3.4"]
        #expect(handler.metadata == ["request_id": "id-2", "client": "ip:1.2.3.4"])
        #expect(handler[metadataKey: "request_id"] == "id-2")
        handler[metadataKey: "request_id"] = nil
        #expect(handler.metadata == ["client": "ip:1.2.3.4"])
    }
}
