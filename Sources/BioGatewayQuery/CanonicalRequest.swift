import BioGatewayJSON

/// The effective upstream request, after defaults and caps, in canonical form, with its cache key.
///
/// Two client requests map to the same `CanonicalRequest` exactly when the upstream is certain to give
/// them the same answer. The canonical JSON is also what the gateway sends upstream, so the key always
/// describes the request that produced the cached body.
public struct CanonicalRequest: Sendable, Hashable {
    /// Which upstream answers it.
    public let source: UpstreamSource
    /// The upstream action (`datastore_search`, `search`).
    public let endpoint: String
    /// The parameters sent upstream.
    public let parameters: JSONObject
    /// The canonical JSON: `{"endpoint":…,"parameters":{…},"source":…}` with keys sorted and no white space.
    public let canonicalJSON: String
    /// The cache key: SHA-256 over `canonicalJSON`, in lowercase hex.
    public let key: String

    public init(source: UpstreamSource, endpoint: String, parameters: JSONObject) {
        self.source = source
        self.endpoint = endpoint
        self.parameters = parameters
        let document: JSONValue = [
            "source": .string(source.rawValue), "endpoint": .string(endpoint), "parameters": .object(parameters),
        ]
        self.canonicalJSON = document.canonicalString
        self.key = SHA256Hex.digest(Array(self.canonicalJSON.utf8))
    }

    /// The parameters as canonical JSON, the way they are sent upstream.
    public var parametersJSON: String { JSONValue.object(self.parameters).canonicalString }
}
