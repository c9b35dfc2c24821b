import HTTPTypes
import Hummingbird

/// The gateway's request context.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// NHM POST bodies are small JSON objects; anything larger is refused with 413.
    public var maxUploadSize: Int { 1024 * 1024 }
}
