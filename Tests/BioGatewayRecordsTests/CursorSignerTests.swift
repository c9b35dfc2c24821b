import BioGatewayQuery
import BioGatewayRecords
import Foundation
import Testing

@Suite("Signed cursors")
struct CursorSignerTests {
    let signer = CursorSigner(secret: Array("a secret of thirty-two bytes!!!!".utf8))

    var position: PagePosition {
        var position = PagePosition()
        var nhm = PagePosition.Progress()
        nhm.offset = 9_000
        nhm.after = ["2025-12-26t23:07:01+00:00", "1040131", "data-x-latest"]
        nhm.total = RecordTotal(value: 15_500, isLowerBound: false)
        position.progress[.nhm] = nhm
        var vertnet = PagePosition.Progress()
        vertnet.offset = 400
        vertnet.cursor = "False:CuQFCooD"
        vertnet.total = RecordTotal(value: 10_000, isLowerBound: true)
        vertnet.failures = 1
        position.progress[.vertnet] = vertnet
        return position
    }

    @Test func aCursorReadsBackToItsPosition() throws {
        let cursor = self.signer.cursor(for: self.position, fingerprint: "abc")
        #expect(cursor.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
        #expect(try self.signer.position(from: cursor, fingerprint: "abc") == self.position)
    }

    @Test func anAlteredCursorIsRefused() {
        let cursor = self.signer.cursor(for: self.position, fingerprint: "abc")
        var characters = Array(cursor)
        for index in [0, characters.count / 3, characters.count - 1] {
            let original = characters[index]
            characters[index] = original == "A" ? "B" : "A"
            #expect(throws: CursorSigner.Refusal.invalid) { try self.signer.position(from: String(characters), fingerprint: "abc") }
            characters[index] = original
        }
        for garbage in ["", ".", "abc", "abc.def", cursor + ".x", "💥.💥"] {
            #expect(throws: CursorSigner.Refusal.invalid) { try self.signer.position(from: garbage, fingerprint: "abc") }
        }
    }

    @Test func anotherSecretsCursorIsRefused() {
        let other = CursorSigner(secret: Array("another secret of thirty-two byt".utf8))
        let cursor = other.cursor(for: self.position, fingerprint: "abc")
        #expect(throws: CursorSigner.Refusal.invalid) { try self.signer.position(from: cursor, fingerprint: "abc") }
    }

    @Test func anotherQuerysCursorIsRefused() {
        let cursor = self.signer.cursor(for: self.position, fingerprint: "abc")
        #expect(throws: CursorSigner.Refusal.otherQuery) { try self.signer.position(from: cursor, fingerprint: "abd") }
    }

    @Test func theFingerprintCoversSourcesAndFiltersOnly() throws {
        let base = try RecordQuery.parse(["genus": "Bufo", "limit": "10"])
        #expect(try RecordQuery.parse(["genus": "Bufo", "limit": "500", "format": "csv", "fields": "id"]).fingerprint == base.fingerprint)
        #expect(try RecordQuery.parse(["genus": "Bufo", "source": "vertnet,nhm"]).fingerprint == base.fingerprint)
        #expect(try RecordQuery.parse(["genus": "Bufo", "source": "nhm"]).fingerprint != base.fingerprint)
        #expect(try RecordQuery.parse(["genus": "bufo"]).fingerprint != base.fingerprint)
        #expect(try RecordQuery.parse(["genus": "Bufo", "hasCoordinates": "true"]).fingerprint != base.fingerprint)
    }
}
