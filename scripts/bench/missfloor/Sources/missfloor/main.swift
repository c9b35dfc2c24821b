import AsyncHTTPClient
import Hummingbird

// `missfloor UPSTREAM PORT`: every GET to NHM's datastore_search path is sent on to UPSTREAM (the same path
// and query, over AsyncHTTPClient's pooled connections) and its body returned as it came — no question
// parsed, no cache, no check of the answer. What the gateway does on a miss beyond this is its own cost.
let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else { fatalError("usage: missfloor UPSTREAM PORT") }
let upstream = arguments[1]
let client = HTTPClient(eventLoopGroupProvider: .singleton)
let router = Router()
router.get("nhm/api/3/action/datastore_search") { request, _ -> Response in
    let outgoing = HTTPClientRequest(url: upstream + "/api/3/action/datastore_search?" + (request.uri.query ?? ""))
    let response = try await client.execute(outgoing, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 16 << 20)
    return Response(status: .init(code: Int(response.status.code)), headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
