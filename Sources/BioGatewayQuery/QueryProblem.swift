/// One thing wrong with one parameter of a request, in words a user can act on.
public struct QueryProblem: Sendable, Hashable, CustomStringConvertible {
    /// The parameter, as the client named it (`limit`, `filters`, `q.l`).
    public var parameter: String
    /// What is wrong and, where possible, what would be right.
    public var detail: String

    public init(parameter: String, detail: String) {
        self.parameter = parameter
        self.detail = detail
    }

    public var description: String { "\(self.parameter): \(self.detail)" }
}

/// A request the gateway refuses before anything goes upstream.
public struct QueryRejection: Error, Sendable, CustomStringConvertible {
    /// Every problem found (at least one).
    public var problems: [QueryProblem]

    public init(_ problems: [QueryProblem]) {
        precondition(!problems.isEmpty)
        self.problems = problems
    }

    public init(parameter: String, detail: String) {
        self.problems = [QueryProblem(parameter: parameter, detail: detail)]
    }

    public var description: String { self.problems.map(\.description).joined(separator: "; ") }
}
