/// A Latin name as a scientist types it, with or without its authorship: `Bufo bufo`,
/// `Bufo bufo (Linnaeus, 1758)`, `Bufo bufo spinosus Daudin, 1803`, `Canis lupus subsp. familiaris`.
///
/// The name is read as its genus, then up to two epithets (lowercase words, skipping rank markers such as
/// `subsp.` and `var.`); whatever follows is the authorship. Sources write authorship differently (the NHM
/// inside `scientificName`, VertNet not at all), so the unified `scientificName` filter matches on the
/// canonical name alone: a name finds the same taxon in every source whether or not its authorship is given.
public struct ScientificName: Sendable, Hashable {
    /// The first word, as given (`Bufo`).
    public var genus: String
    /// The species epithet, when the name has one (`bufo`).
    public var specificEpithet: String?
    /// The subspecies (or variety, form) epithet, when the name has one.
    public var infraspecificEpithet: String?
    /// What followed the epithets, if anything (`(Linnaeus, 1758)`).
    public var authorship: String?

    /// The name without authorship and rank markers: `Bufo bufo spinosus`.
    public var canonical: String {
        [self.genus, self.specificEpithet, self.infraspecificEpithet].compactMap { $0 }.joined(separator: " ")
    }

    static let rankMarkers: Set<String> = ["subsp.", "ssp.", "var.", "f.", "forma", "subvar.", "morph."]

    /// Reads a name; nil when it is empty or its first word is not a word (`(Linnaeus)`, `1758`).
    public init?(_ text: String) {
        // a name typed in capitals (`BUFO BUFO`, as VertNet stores some) is read as if in lowercase
        let shouted = text == text.uppercased() && text != text.lowercased()
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first, Self.isEpithetShaped(first.lowercased()) else { return nil }
        self.genus = first
        var epithets: [String] = []
        var index = 1
        while index < words.count, epithets.count < 2 {
            let word = words[index]
            if Self.rankMarkers.contains(word.lowercased()) {
                index += 1
                continue
            }
            guard Self.isEpithetShaped(shouted ? word.lowercased() : word) else { break }
            epithets.append(word)
            index += 1
        }
        self.specificEpithet = epithets.first
        self.infraspecificEpithet = epithets.count > 1 ? epithets[1] : nil
        let rest = words[index...].joined(separator: " ")
        self.authorship = rest.isEmpty ? nil : rest
    }

    /// A lowercase Latin word (hyphens allowed, as in `novae-hollandiae`).
    static func isEpithetShaped(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "-" }
    }
}
