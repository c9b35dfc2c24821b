import Foundation

/// The simulator's VertNet cursors: `False:` + web-safe base64 of the next offset and a hash of the
/// query, shaped like the GAE cursors VertNet returns.
enum VertNetCursor {
    static func make(offset: Int, query: String) -> String {
        let payload = "{\"o\":\(offset),\"h\":\"\(self.hash(query))\",\"pad\":\"CuQFCooDCtMCCgN5ZWFyEg0IBBABGAAgACoDMTk2MBII\"}"
        let encoded = Data(payload.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        return "False:" + encoded
    }

    /// The offset a cursor points at, or nil when it is garbage or belongs to another query.
    static func offset(from cursor: String, query: String) -> Int? {
        guard let colon = cursor.firstIndex(of: ":") else { return nil }
        var base64 = String(cursor[cursor.index(after: colon)...])
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let offset = object["o"] as? Int, offset >= 0,
            object["h"] as? String == self.hash(query)
        else { return nil }
        return offset
    }

    /// FNV-1a, hex.
    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        return String(value, radix: 16)
    }
}
