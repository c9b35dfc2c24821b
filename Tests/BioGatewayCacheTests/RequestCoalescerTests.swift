import BioGatewayCache
import Testing

@Suite("Request coalescing")
struct RequestCoalescerTests {
    actor Counter {
        var value = 0
        func increment() -> Int {
            self.value += 1
            return self.value
        }
    }

    @Test func concurrentCallersShareOneComputation() async throws {
        let coalescer = RequestCoalescer<Int>()
        let counter = Counter()
        // the computation waits until the test lets it finish: by then all 20 callers have joined it
        let (released, release) = AsyncStream<Void>.makeStream()
        let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await coalescer.value(forKey: "k") {
                        for await _ in released { break }
                        return await counter.increment()
                    }
                }
            }
            while coalescer.waitingCount < 19 { await Task.yield() }
            release.yield()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(await counter.value == 1)
        #expect(results.allSatisfy { $0.0 == 1 })
        #expect(results.filter { !$0.1 }.count == 1)
        #expect(coalescer.inFlightCount == 0)
        #expect(coalescer.waitingCount == 0)
    }

    @Test func laterCallersComputeAgain() async throws {
        let coalescer = RequestCoalescer<Int>()
        let counter = Counter()
        _ = try await coalescer.value(forKey: "k") { await counter.increment() }
        _ = try await coalescer.value(forKey: "k") { await counter.increment() }
        #expect(await counter.value == 2)
    }

    @Test func aBackgroundComputationStartsOnceAndIsJoined() async throws {
        let coalescer = RequestCoalescer<Int>()
        let counter = Counter()
        let (released, release) = AsyncStream<Void>.makeStream()
        let slow: @Sendable () async throws -> Int = {
            for await _ in released { break }
            return await counter.increment()
        }
        #expect(coalescer.startIfIdle(forKey: "k", compute: slow))
        #expect(!coalescer.startIfIdle(forKey: "k", compute: slow))
        async let joinedValue = coalescer.value(forKey: "k", compute: slow)
        while coalescer.waitingCount < 1 { await Task.yield() }
        release.yield()
        let (value, joined) = try await joinedValue
        #expect(value == 1 && joined)
        #expect(await counter.value == 1)
        #expect(coalescer.inFlightCount == 0)
    }
}
