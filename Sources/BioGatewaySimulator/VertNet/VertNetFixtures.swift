import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// VertNet's recorded answers (`Fixtures/vertnet/*.json`, from rvertnet's cassettes), served for the
/// exact query objects they were recorded with.
struct VertNetFixtures: Sendable {
    struct Key: Hashable {
        var q: String
        var limit: Int
    }

    private(set) var bodies: [Key: JSONValue] = [:]

    /// Loads every interaction from a folder of fixture files; a missing folder gives no fixtures.
    init(directory: URL?) {
        guard let directory,
            let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        else { return }
        for file in files where file.pathExtension == "json" {
            guard let data = try? Data(contentsOf: file), let interactions = try? JSONParser.parse(Array(data)).arrayValue else {
                continue
            }
            for interaction in interactions {
                guard let request = interaction["request"]?["q"], let q = request["q"]?.stringValue,
                    let body = interaction["response"]?["body"]
                else { continue }
                let limit = request["l"]?.integerValue.map(Int.init) ?? VertNetSearchQuery.defaultLimit
                self.bodies[Key(q: q, limit: limit)] = body
            }
        }
    }

    func body(q: String, limit: Int) -> JSONValue? {
        self.bodies[Key(q: q, limit: limit)]
    }

    /// The bundled fixtures folder.
    static var bundledDirectory: URL? {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent("vertnet")
    }
}
