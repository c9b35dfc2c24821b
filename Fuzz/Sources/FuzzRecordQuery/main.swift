// /v1/records on arbitrary input: query parsing and validation, the filters' translation into each
// upstream's language, and cursor decoding must never crash. Cursors are HMAC-signed, so arbitrary bytes
// stop at the tag check; to reach the position decoding behind it, the input is also signed as a payload
// with the target's own secret.
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Foundation
import FuzzDriver

let signer = CursorSigner(secret: Array("fuzz-secret-fuzz-secret-fuzz-sec".utf8))

fuzz { data, size in
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    // as a GET query string, and as a JSON body
    var inputs = [FormParameters(encoded: text).ckanObject]
    if case .object(let object)? = try? JSONParser.parse(bytes) { inputs.append(object) }
    for parameters in inputs {
        for endpoint in [RecordQuery.Endpoint.page, .export] {
            guard let query = try? RecordQuery.parse(parameters, endpoint: endpoint) else { continue }
            _ = query.filters.nhmQuery(resourceID: "05ff2255-c38a-40c9-b657-4ccb55ab2feb")
            _ = query.filters.vertnetQuery
            if let cursor = query.cursor { _ = try? signer.position(from: cursor, fingerprint: query.fingerprint) }
        }
    }
    // the input as a cursor as sent, and as a genuine cursor's payload
    _ = try? signer.position(from: text, fingerprint: "")
    _ = try? signer.position(from: signer.signed(payload: Data(bytes)), fingerprint: "")
    return 0
}
