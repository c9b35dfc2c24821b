/// An answer the simulator will send, before faults are applied.
struct SimulatedAnswer: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    static func json(_ status: Int, _ body: [UInt8], contentType: String) -> SimulatedAnswer {
        SimulatedAnswer(status: status, headers: [("Content-Type", contentType)], body: body)
    }
}
