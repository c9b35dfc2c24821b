/// A scraped `/metrics` page.
public struct Scrape: Sendable {
    public let text: String

    public init(text: String) { self.text = text }

    /// The value of the sample whose name and labels are exactly `series` (0 when absent).
    public func value(_ series: String) -> Double {
        for line in self.text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1)) ?? .nan
        }
        return 0
    }
}
