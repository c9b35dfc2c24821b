import BioGatewayCache
import BioGatewayCore
import BioGatewayQuery
import Foundation
import HTTPTypes
import Hummingbird

extension AnswerValidator {
    /// Adds `ETag` and `Last-Modified` for the answer as sent with `coding`; given the request headers of a
    /// GET (`conditions`) that show the client already holds it, returns the 304 to send instead.
    func addValidators(to headers: inout HTTPFields, coding: ContentCoding, conditions: HTTPFields?) -> Response? {
        self.addValidators(toNotModified: &headers, coding: coding, conditions: conditions) ? Response(status: .notModified, headers: headers) : nil
    }

    /// Adds `ETag` and `Last-Modified` as ``addValidators(to:coding:conditions:)`` does, and says whether the
    /// answer is a 304 (its content headers then removed).
    func addValidators(toNotModified headers: inout HTTPFields, coding: ContentCoding, conditions: HTTPFields?) -> Bool {
        headers.append(HTTPField(name: .eTag, value: self.entityTag(coding: coding)))
        headers.append(HTTPField(name: .lastModified, value: self.lastModified))
        guard let conditions, conditions.contains(.ifNoneMatch) || conditions.contains(.ifModifiedSince),
            self.isNotModified(for: conditions)
        else { return false }
        headers[.contentType] = nil
        headers[.contentEncoding] = nil
        return true
    }

    /// Whether a GET with these request headers should be answered 304 Not Modified (RFC 9110 §13.2.2):
    /// `If-None-Match` when present (weak comparison, either coding's tag, or `*`), otherwise
    /// `If-Modified-Since` against when the answer was stored.
    func isNotModified(for headers: HTTPFields) -> Bool {
        if headers.contains(.ifNoneMatch) {
            let ownTag = String(self.digest.prefix(32))
            var matched = false
            HeaderList.forEachElement(of: .ifNoneMatch, in: headers) { candidate in
                var tag = candidate
                if tag == "*" { matched = true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                guard tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") else { return }
                tag = tag.dropFirst().dropLast()
                if tag.hasSuffix("-gzip") { tag.removeLast(5) }
                if tag == ownTag { matched = true }
            }
            return matched
        }
        guard let text = headers[.ifModifiedSince], let since = HTTPDate.parse(text) else { return false }
        return self.storedAt.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
    }
}
