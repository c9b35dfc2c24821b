import BioGatewaySettings
import Configuration
import Testing

/// A component's settings as a component declares them.
private struct ExampleSettings: SettingsRegistry {
    @Setting("example.size", .bytes(), help: "A size", reloadable: true)
    var size: Int = 1 << 10

    @Setting("example.name", .text(), help: "A name")
    var name: String = "first"

    @Setting("example.token", .optional(.secret(minimumLength: 4), unset: "none"), help: "A secret")
    var token: String? = nil

    init() {}
}

@Suite("A registry of settings")
struct SettingsRegistryTests {
    private func reader(_ values: [String: String]) -> ConfigReader {
        var pairs: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in values {
            pairs[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = .init(.string(value), isSecret: false)
        }
        return ConfigReader(provider: InMemoryProvider(values: pairs))
    }

    @Test func listsItsSettingsInDeclarationOrderWithKeysVariablesAndFlags() {
        let settings = ExampleSettings.settings
        #expect(settings.map(\.key) == ["biogateway.example.size", "biogateway.example.name", "biogateway.example.token"])
        #expect(settings.map(\.environmentVariable) == ["BIOGATEWAY_EXAMPLE_SIZE", "BIOGATEWAY_EXAMPLE_NAME", "BIOGATEWAY_EXAMPLE_TOKEN"])
        #expect(settings.map(\.flag) == ["--example-size", "--example-name", nil])
        #expect(settings.map(\.isReloadable) == [true, false, false])
    }

    @Test func readsItsOwnTypedKeysAndKeepsTheDefaultsOfTheOthers() throws {
        let settings = try ExampleSettings(reader: self.reader(["biogateway.example.size": "2K", "biogateway.other": "x"]))
        #expect(settings.size == 2_048)
        #expect(settings.name == "first")
        #expect(settings.token == nil)
    }

    @Test func anUnusableValueNamesItsKeyAndVariableAndASecretIsNotRepeated() {
        #expect {
            try ExampleSettings(reader: self.reader(["biogateway.example.size": "lots"]))
        } throws: { error in
            "\(error)".contains("biogateway.example.size") && "\(error)".contains("BIOGATEWAY_EXAMPLE_SIZE") && "\(error)".contains("'lots'")
        }
        #expect {
            try ExampleSettings(reader: self.reader(["biogateway.example.token": "abc"]))
        } throws: { error in
            "\(error)".contains("(secret)") && !"\(error)".contains("abc")
        }
    }

    @Test func aMixTakesTheNamedSettingsFromTheOther() throws {
        let running = ExampleSettings()
        let edited = try ExampleSettings(reader: self.reader(["biogateway.example.size": "4096", "biogateway.example.name": "second"]))
        let mixed = running.taking(["biogateway.example.size"], from: edited)
        #expect(mixed.size == 4_096)
        #expect(mixed.name == "first")
        #expect(ExampleSettings().settings.first { $0.key == "biogateway.example.token" }?.shownValue == "(unset: none)")
    }
}
