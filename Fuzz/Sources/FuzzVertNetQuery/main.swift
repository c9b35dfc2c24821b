// VertNet search canonicalisation on an arbitrary q object: parsing, the limit rules and the canonical
// request (the cache key) must never crash.
import BioGatewayJSON
import BioGatewayQuery
import Foundation
import FuzzDriver

fuzz { data, size in
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if case .object(let object)? = try? JSONParser.parse(bytes), let query = try? VertNetSearchQuery.parse(object) {
        _ = query.canonicalRequest.key
    }
    if let query = try? VertNetSearchQuery.parse(queryObject: String(decoding: bytes, as: UTF8.self)) {
        _ = query.canonicalRequest.key
    }
    return 0
}
