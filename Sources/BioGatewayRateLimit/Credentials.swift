/// Reading and comparing the secrets clients present.
public enum Credentials {
    /// The token of an `Authorization: Bearer …` header (scheme case-insensitive), or nil.
    public static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].drop { $0 == " " || $0 == "\t" }
        return token.isEmpty ? nil : String(token)
    }

    /// Equality that looks at every byte whatever the contents (for secrets of equal length; a length
    /// difference is answered at once).
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
