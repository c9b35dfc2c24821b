import BioGatewaySimulator
import Foundation
import Testing

@Suite("Bundled fixtures")
struct BundledFixturesTests {
    static let sharedFixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures")

    @Test(
        "the simulator's copies are the project's recorded responses, unedited",
        .enabled(if: FileManager.default.fileExists(atPath: Self.sharedFixtures.path))
    )
    func copiesMatchSharedFixtures() throws {
        let bundled = try #require(UpstreamSimulator.bundledFixturesDirectory)
        for folder in ["vertnet", "nhm"] {
            let originals = try FileManager.default.contentsOfDirectory(atPath: Self.sharedFixtures.appendingPathComponent(folder).path)
                .filter { $0.hasSuffix(".json") }
            #expect(!originals.isEmpty)
            for name in originals {
                let original = try Data(contentsOf: Self.sharedFixtures.appendingPathComponent("\(folder)/\(name)"))
                let copy = try Data(contentsOf: bundled.appendingPathComponent("\(folder)/\(name)"))
                #expect(original == copy, "\(folder)/\(name) differs from shared/fixtures")
            }
        }
    }
}
