import BioGatewayCache
import BioGatewayQuery

/// A change to the shared cache, as one replica tells the others (`NOTIFY biogateway_cache, '<payload>'`):
/// which process made it, and which entries it replaced or deleted. The payload is
/// `<origin> stored <key>` (stored, replaced or evicted), `<origin> unclaimed <key>` (a fetch given up or
/// done), or for purges `<origin> key <key>`,
/// `<origin> source <source>` or `<origin> everything`.
struct ChangeNotice: Sendable, Hashable {
    var origin: String
    var change: StoreChange

    init(origin: String, change: StoreChange) {
        self.origin = origin
        self.change = change
    }

    /// Reads a payload; nil for one this version does not know.
    init?(payload: String) {
        let parts = payload.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count >= 2 else { return nil }
        self.origin = parts[0]
        switch (parts[1], parts.count == 3 ? parts[2] : nil) {
        case ("stored", let key?): self.change = .replaced(key)
        case ("unclaimed", let key?): self.change = .unclaimed(key)
        case ("everything", nil): self.change = .purged(.everything)
        case ("key", let key?): self.change = .purged(.key(key))
        case ("source", let name?):
            guard let source = UpstreamSource(rawValue: name) else { return nil }
            self.change = .purged(.source(source))
        default: return nil
        }
    }

    var payload: String {
        switch self.change {
        case .replaced(let key): "\(self.origin) stored \(key)"
        case .unclaimed(let key): "\(self.origin) unclaimed \(key)"
        case .purged(.everything): "\(self.origin) everything"
        case .purged(.key(let key)): "\(self.origin) key \(key)"
        case .purged(.source(let source)): "\(self.origin) source \(source.rawValue)"
        }
    }
}
