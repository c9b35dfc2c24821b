import BioGatewayCore
import Logging
import ServiceLifecycle
import UnixSignals

/// On SIGHUP, reads the settings again (flags, environment, configuration file) and applies those that can
/// change safely while requests are in flight: TTLs and stale windows, client rate limits, the keys file,
/// trusted proxies and whether a key is required. Changes to any other setting are reported as needing a
/// restart. An invalid configuration is reported and the running settings are kept. Connections are not
/// touched.
struct SettingsReloader: Service {
    let load: @Sendable () throws -> GatewayConfiguration
    let running: GatewayConfiguration
    let gateway: SearchGateway
    let limits: ClientRateLimits
    let logger: Logger

    /// The keys of the settings declared `reloadable`.
    static let reloadableKeys = Set(GatewayConfiguration.settings.filter(\.isReloadable).map(\.key))

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let current = Reloadable(self.running)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                current.value = self.reload(from: current.value)
            }
        }
    }

    /// Applies what can change from a fresh reading; returns the settings now in force.
    func reload(from old: GatewayConfiguration) -> GatewayConfiguration {
        let new: GatewayConfiguration
        let clientSettings: ClientRateLimits.Settings
        do {
            new = try self.load()
            clientSettings = try ClientRateLimits.settings(for: new)
        } catch {
            self.logger.error("SIGHUP: the configuration is invalid; keeping the running settings", metadata: ["error": "\(error)"])
            return old
        }
        let before = Dictionary(uniqueKeysWithValues: old.effectiveValues.map { ($0.setting.key, $0.value) })
        let changed = new.effectiveValues.filter { before[$0.setting.key] != $0.value }.map(\.setting)
        let needRestart = changed.filter { !Self.reloadableKeys.contains($0.key) }
        self.gateway.livePolicy.value = new.cache.policy
        self.limits.settings.value = clientSettings
        let applied = old.taking(Self.reloadableKeys, from: new)
        self.logger.notice(
            "SIGHUP: settings reloaded",
            metadata: [
                "applied": .array(changed.filter { Self.reloadableKeys.contains($0.key) }.map { .string($0.environmentVariable) }),
                "need_restart": .array(needRestart.map { .string($0.environmentVariable) }),
            ]
        )
        if !needRestart.isEmpty {
            self.logger.warning(
                "SIGHUP: these settings changed but apply only after a restart: \(needRestart.map(\.environmentVariable).joined(separator: ", "))"
            )
        }
        return applied
    }
}
