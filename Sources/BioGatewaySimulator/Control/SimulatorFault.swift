/// A fault the simulator injects into its next matching upstream answers.
///
/// Post one as JSON to `POST /_simulator/faults`, e.g.
/// `{"source":"nhm","kind":"status","status":503,"count":2}`, `{"kind":"latency","latencyMs":2000}` or
/// `{"source":"vertnet","kind":"hold","count":1}`.
public struct SimulatorFault: Codable, Sendable, Hashable {
    /// What goes wrong.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Answer normally, after `latencyMs`.
        case latency
        /// Answer with `status` (default 500) and the upstream's error body; `retryAfter` sets `Retry-After`.
        case status
        /// Answer 200 with a body that is not JSON.
        case garbage
        /// Announce the full `Content-Length`, send half the body, then close the connection.
        case truncated
        /// Reset the TCP connection (RST) without answering.
        case reset
        /// Answer 200 with an empty result, as VertNet does when its backend fails.
        case empty
        /// Answer 200 with the upstream's envelope whose records are not records (numbers, strings, `null`).
        case junk
        /// Announce the full `Content-Length` at once, then send the body one byte a second (a slow or
        /// stalled upstream that is still, technically, answering).
        case trickle
        /// Hold the request unanswered until `POST /_simulator/release` (or ``SimulatorState/releaseHeld()``),
        /// then answer normally; `latencyMs`, when given, releases it by itself after that long. Lets a test
        /// keep an upstream call in flight for exactly as long as it needs, however loaded the machine is.
        case hold
        /// Answer 200 with a chunked body that never ends (valid JSON's opening, then spaces, a chunk every
        /// 10 ms, until the client goes away).
        case endless
        /// Answer 200 with a valid envelope made `sizeBytes` long (default 64 MB) by padding whitespace: a huge,
        /// well-formed answer.
        case huge
        /// Answer 200 with a valid envelope sent as `text/html`, one of whose values is a `<script>`.
        case html
        /// Answer 302 to another host.
        case redirect
    }

    /// `nhm`, `vertnet`, or absent for both.
    public var source: String?
    public var kind: Kind
    /// HTTP status for `status` faults (default 500; 429 sends `Retry-After`).
    public var status: Int?
    /// `Retry-After` seconds for `status` faults.
    public var retryAfter: Int?
    /// Delay before the fault (or the normal answer) in milliseconds.
    public var latencyMs: Int?
    /// How many requests the fault applies to; absent means until cleared.
    public var count: Int?
    /// The body size of a `huge` answer, in bytes.
    public var sizeBytes: Int?

    public init(
        source: String? = nil,
        kind: Kind,
        status: Int? = nil,
        retryAfter: Int? = nil,
        latencyMs: Int? = nil,
        count: Int? = nil,
        sizeBytes: Int? = nil
    ) {
        self.source = source
        self.kind = kind
        self.status = status
        self.retryAfter = retryAfter
        self.latencyMs = latencyMs
        self.count = count
        self.sizeBytes = sizeBytes
    }
}
