import BioGatewayJSON
import BioGatewayQuery
import HTTPTypes
import Hummingbird

extension Response {
    /// A JSON document about the gateway itself (statistics, health, sources): compact, never cached.
    static func uncachedJSON(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter(style: .compact).bytes(value)))
        )
    }
}
