import Foundation
import Testing

@testable import BioGatewayCache

/// What hits leave for the next batch write: each key's latest access, and the counters.
@Suite struct PendingWritesTests {
    @Test func eachKeyKeepsItsLatestAccessWhateverTheOrder() {
        let pending = PendingWrites()
        let earlier = Date(timeIntervalSince1970: 1_000)
        let later = Date(timeIntervalSince1970: 2_000)
        pending.noteAccess("a", at: later)
        pending.noteAccess("a", at: earlier)
        pending.noteHit("b", at: earlier)
        pending.noteHit("b", at: later)
        let taken = pending.take()
        #expect(taken.accesses == ["a": later, "b": later])
        #expect(taken.counters == [.hit: 2])
    }

    @Test func takingEmptiesItAndAFailedWriteIsPutBack() {
        let pending = PendingWrites()
        pending.noteHit("a", at: Date(timeIntervalSince1970: 1_000))
        let taken = pending.take()
        #expect(pending.take().accesses.isEmpty)
        pending.restore(taken.accesses, taken.counters)
        let again = pending.take()
        #expect(again.accesses == taken.accesses)
        #expect(again.counters == [.hit: 1])
    }
}
