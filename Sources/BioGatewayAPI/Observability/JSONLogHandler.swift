import BioGatewayJSON
import BioGatewayQuery
import Foundation
import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line (`BIOGATEWAY_LOG_FORMAT=json`):
/// `{"time":"…","level":"info","label":"biogateway","message":"request","request_id":"…",…}`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata {
        get { self.stored.all }
        set { self.stored.all = newValue }
    }
    private var stored = HandlerMetadata()
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler writing to standard error.
    public init(label: String) {
        self.init(label: label) { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// A handler giving each line to `write` (tests collect them).
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.stored[key] }
        set { self.stored[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object = JSONObject()
        object["time"] = .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        object["level"] = .string(event.level.rawValue)
        object["label"] = .string(self.label)
        object["message"] = .string(event.message.description)
        for (key, value) in self.stored.merged(with: event.metadata).sorted(by: { $0.key < $1.key }) {
            object[key] = Self.json(value)
        }
        if event.level >= .warning { object["source"] = .string("\(event.source) \(event.file):\(event.line)") }
        self.write(String(decoding: JSONWriter(style: .compact).bytes(.object(object)), as: UTF8.self))
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let string): .string(string)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(Self.json))
        case .dictionary(let dictionary): .object(JSONObject(dictionary.sorted { $0.key < $1.key }.map { ($0.key, Self.json($0.value)) }))
        }
    }
}
