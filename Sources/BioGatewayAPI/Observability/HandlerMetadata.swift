import Logging

/// A log handler's metadata, with the request's id kept beside the dictionary rather than in it: every
/// request sets its id on its logger (``RequestLogMiddleware``), and writing it into the dictionary copied
/// the dictionary each time, for lines that are mostly never written.
struct HandlerMetadata: Sendable {
    static let requestIDKey = "request_id"

    private var dictionary: Logger.Metadata = [:]
    private var requestID: Logger.Metadata.Value?

    subscript(key: String) -> Logger.Metadata.Value? {
        get { key == Self.requestIDKey ? self.requestID : self.dictionary[key] }
        set {
            if key == Self.requestIDKey {
                self.requestID = newValue
            } else {
                self.dictionary[key] = newValue
            }
        }
    }

    /// All of it, the request's id included.
    var all: Logger.Metadata {
        get {
            guard let requestID = self.requestID else { return self.dictionary }
            var all = self.dictionary
            all[Self.requestIDKey] = requestID
            return all
        }
        set {
            self.requestID = newValue[Self.requestIDKey]
            self.dictionary = newValue
            self.dictionary[Self.requestIDKey] = nil
        }
    }

    /// All of it with a line's own metadata, which wins.
    func merged(with line: Logger.Metadata?) -> Logger.Metadata {
        guard let line else { return self.all }
        return self.all.merging(line) { $1 }
    }
}
