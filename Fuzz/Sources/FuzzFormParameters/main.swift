// Form decoding on arbitrary bytes (URL query strings and form bodies): pairs, CKAN's grouping and
// encoding must never crash, and grouping keeps every pair.
import BioGatewayJSON
import BioGatewayQuery
import Foundation
import FuzzDriver

fuzz { data, size in
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let form = FormParameters(encoded: text)
    let object = form.ckanObject
    let grouped = object.reduce(0) { count, pair in
        if case .array(let values) = pair.value { return count + values.count }
        return count + 1
    }
    guard grouped == form.pairs.count else { fatalError("grouping lost pairs: \(grouped) of \(form.pairs.count)") }
    _ = FormParameters.decode(FormParameters.encode(text))
    return 0
}
