import HTTPTypes
import Hummingbird

/// Which methods each of the gateway's paths answers, and the answer to any other method there: 405 with
/// `Allow` and a problem document naming the method (the router alone would say 404, as if the path did not
/// exist), and `OPTIONS` answered 204 with `Allow`. `HEAD` works wherever `GET` does (the router derives it).
struct AllowedMethods: Sendable {
    /// Path → the methods registered on it.
    let methodsByPath: [(path: String, methods: [HTTPRequest.Method])]

    /// The gateway's paths and their methods.
    static var gateway: AllowedMethods {
        let search: [HTTPRequest.Method] = [.get, .head, .post]
        let read: [HTTPRequest.Method] = [.get, .head]
        var paths: [(String, [HTTPRequest.Method])] =
            NHMDropInController.paths.map { ($0, search) } + NHMActionController.paths.map { ($0, search) }
            + VertNetDropInController.paths.map { ($0, search) }
        paths += [("/v1/records", search), ("/v1/records/export", read), ("/v1/sources", read)]
        paths += [("/healthz", read), ("/readyz", read), ("/metrics", read), ("/openapi.yaml", read), ("/", read)]
        paths.append(("/admin/cache", [.get, .head, .delete]))
        return AllowedMethods(methodsByPath: paths)
    }

    static let others: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]

    func register(on router: Router<GatewayRequestContext>) {
        for (path, methods) in self.methodsByPath {
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            for method in Self.others where !methods.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ in
                    if request.method == .options {
                        return Response(status: .noContent, headers: [.allow: allow])
                    }
                    return ProblemDetails(
                        slug: "method-not-allowed",
                        title: "Method Not Allowed",
                        status: 405,
                        detail: "\(request.method.rawValue) is not answered at \(path); use \(allow)."
                    ).response(headers: [.allow: allow])
                }
            }
        }
    }
}
