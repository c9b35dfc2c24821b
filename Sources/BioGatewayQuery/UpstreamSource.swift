/// The upstream APIs BioGateway fronts.
public enum UpstreamSource: String, Sendable, Hashable, CaseIterable, Codable {
    /// The Natural History Museum (London) Data Portal, `datastore_search`.
    case nhm
    /// The VertNet search API.
    case vertnet

    /// A human-readable name for messages.
    public var displayName: String {
        switch self {
        case .nhm: "NHM Data Portal"
        case .vertnet: "VertNet"
        }
    }
}
