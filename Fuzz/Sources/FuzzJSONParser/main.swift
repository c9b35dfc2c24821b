// The JSON parser on arbitrary bytes: it must return a value or throw, never crash, and what it returns
// must survive a write and a second parse unchanged.
import BioGatewayJSON
import Foundation
import FuzzDriver

fuzz { data, size in
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(input) else { return 0 }
    let written = JSONWriter(style: .compact).string(value)
    guard let again = try? JSONParser.parse(Array(written.utf8)), again == value else {
        fatalError("a parsed value did not survive writing and parsing again: \(written)")
    }
    return 0
}
