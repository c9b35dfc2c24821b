import BioGatewayCore
import BioGatewaySettings
import Foundation

extension GatewayConfiguration {
    /// The settings as a Markdown table, as `biogateway config docs` prints it and `docs/configuration.md`
    /// holds it.
    public static var documentationTable: String {
        var lines = [
            "| Variable | Flag | Default | Meaning |",
            "|---|---|---|---|",
        ]
        for setting in Self.settings {
            let flag = setting.flag.map { "`\($0)`" } ?? "(environment or file only: a secret)"
            let reloadable = setting.isReloadable ? " Applied on SIGHUP." : ""
            lines.append("| `\(setting.environmentVariable)` | \(flag) | `\(setting.shownDefault)` | \(setting.help).\(reloadable) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The flags as `serve --help` lists them: each flag, then its meaning, variable and default.
    public static var flagsHelp: String {
        Self.settings.compactMap { setting in
            setting.flag.map { "  \($0) <value>\n      \(setting.help) (\(setting.environmentVariable), default \(setting.shownDefault))" }
        }
        .joined(separator: "\n")
    }
}
