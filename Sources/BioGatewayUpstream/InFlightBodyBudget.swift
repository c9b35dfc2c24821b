import Synchronization

/// A bound on the bytes of upstream bodies being read at once, across every fetch: each chunk is counted
/// as it arrives and given back when the fetch ends, so that several large answers at the same time cannot
/// take the process past its memory limit. A fetch that would go past the bound fails (and is not stored).
public final class InFlightBodyBudget: Sendable {
    /// The bound, in bytes.
    public let maximumBytes: Int
    private let held = Mutex(0)

    public init(maximumBytes: Int) { self.maximumBytes = maximumBytes }

    /// Bytes held now.
    public var heldBytes: Int { self.held.withLock { $0 } }

    /// Counts `bytes` more, if they fit.
    func reserve(_ bytes: Int) -> Bool {
        self.held.withLock { held in
            guard held + bytes <= self.maximumBytes else { return false }
            held += bytes
            return true
        }
    }

    /// Gives `bytes` back.
    func release(_ bytes: Int) {
        self.held.withLock { $0 -= bytes }
    }
}
