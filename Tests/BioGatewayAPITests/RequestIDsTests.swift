import BioGatewayAPI
import Foundation
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
}
