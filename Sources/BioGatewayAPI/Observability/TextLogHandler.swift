import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler writing text lines to standard error in swift-log's `StreamLogHandler` format
/// (`2026-11-26T18:41:00+0000 info biogateway: key=value [module] message`), except that metadata is
/// formatted when a line is written, not each time it is set (and the request id is kept beside it, see
/// ``HandlerMetadata``): every request sets its id on its logger,
/// and a hit below the log level must not pay for formatting a line nobody reads.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata {
        get { self.stored.all }
        set { self.stored.all = newValue }
    }
    private var stored = HandlerMetadata()
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.stored[key] }
        set { self.stored[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = self.stored.merged(with: event.metadata)
        let pretty = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(Self.timestamp()) \(event.level) \(self.label):\(pretty) [\(event.source)] \(event.message)\n"
        // one write(2) per line, so lines from concurrent requests do not interleave
        var bytes = line
        bytes.withUTF8 { buffer in
            var written = 0
            while written < buffer.count {
                let result = Glibc.write(2, buffer.baseAddress! + written, buffer.count - written)
                if result <= 0 { if errno == EINTR { continue } else { return } }
                written += result
            }
        }
    }

    static func timestamp() -> String {
        var seconds = time(nil)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
