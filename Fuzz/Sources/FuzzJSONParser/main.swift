// The JSON parser on arbitrary bytes: it must return a value or throw, never crash, and what it returns
// must survive a write and a second parse unchanged. Skipping a document with the scanner (as the check of
// upstream answers does) must accept exactly what reading it into values accepts.
import BioGatewayJSON
import Foundation
import FuzzDriver

fuzz { data, size in
    let input = UnsafeBufferPointer(start: data, count: size)
    let value = try? JSONParser.parse(input)
    let scanned = (try? JSONScanner.scan(UnsafeRawBufferPointer(input)) { try $0.skipValue() }) != nil
    guard scanned == (value != nil) else {
        fatalError("the scanner \(scanned ? "accepted" : "rejected") what the parser \(value != nil ? "accepted" : "rejected")")
    }
    guard let value else { return 0 }
    let written = JSONWriter(style: .compact).string(value)
    guard let again = try? JSONParser.parse(Array(written.utf8)), again == value else {
        fatalError("a parsed value did not survive writing and parsing again: \(written)")
    }
    return 0
}
