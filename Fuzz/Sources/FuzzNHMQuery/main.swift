// NHM datastore_search and v6 action canonicalisation on arbitrary form input: parsing, validation, enforcement of the
// paging rules and the canonical request (the cache key) must never crash.
import BioGatewayJSON
import BioGatewayQuery
import Foundation
import FuzzDriver

fuzz { data, size in
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // as a GET query string, and as a JSON body
    var inputs = [FormParameters(encoded: String(decoding: bytes, as: UTF8.self)).ckanObject]
    if case .object(let object)? = try? JSONParser.parse(bytes) { inputs.append(object) }
    // and as the `query` of a multi search (the query schema's normaliser and validator)
    if let query = try? JSONParser.parse(bytes) { inputs.append(["query": query]) }
    for parameters in inputs {
        for action in NHMAction.readOnly.values {
            _ = try? NHMActionQuery.parse(action, parameters, allowingPagesPastTheWindow: true).canonicalRequest.key
        }
        guard let query = try? NHMSearchQuery.parse(parameters) else { continue }
        _ = try? query.enforcePagingRules()
        _ = query.canonicalRequest.key
    }
    return 0
}
