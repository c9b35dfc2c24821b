import BioGatewayCore
import BioGatewayFederation
import HTTPTypes

/// A drop-in endpoint whose GET hits ``ReadyHits`` may answer where they are read.
protocol ReadyHitEndpoint: DropInEndpoint {
    /// The question a GET with this query string asks, when its answer may come from the memory tier alone
    /// as the router would give it; nil leaves the request to the router (which also reports a refusal).
    func readyQuestion(inQuery query: String) -> ReadyQuestion?
    /// Appends what this endpoint adds to each answer it gives (after the answer's own headers).
    func addHeaders(answering answer: AnswerBody, to headers: inout HTTPFields)
}

extension VertNetDropInController: ReadyHitEndpoint {
    func addHeaders(answering answer: AnswerBody, to headers: inout HTTPFields) {}
}

extension NHMDropInController: ReadyHitEndpoint {
    /// Not for a page walked past the window, nor for a question pinned to a data version (its verdict may
    /// ask the upstream); a GET without a query string reads its body.
    func readyQuestion(inQuery query: String) -> ReadyQuestion? {
        guard !query.isEmpty else { return nil }
        return self.parsed.readyQuestion(for: query, at: .datastoreSearch) { text in
            let question = try self.question(inQuery: text)
            return question.walksPastWindow || DataVersionPins.pinnedVersion(of: question.request) != nil ? nil : question
        }
    }

    /// `BioGateway-Data-Version`, as ``VersionPins`` adds it to an unpinned question's answer.
    func addHeaders(answering answer: AnswerBody, to headers: inout HTTPFields) {
        if let version = VersionPins.dataVersion(of: .body(answer), pinned: nil) {
            headers.append(HTTPField(name: VersionPins.dataVersionHeader, value: version))
        }
    }
}
