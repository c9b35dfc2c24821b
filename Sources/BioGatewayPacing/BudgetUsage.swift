/// Requests one gateway allowed from one client's budget, as replicas tell each other so that a client
/// spreading its requests over several gateways still has one budget.
public struct BudgetUsage: Sendable, Hashable {
    /// The client (`key:<name>` or `ip:<address>`; never an API key).
    public var client: String
    /// The budget's name (`requests`, `upstream`).
    public var budget: String
    /// Requests allowed.
    public var count: Int
    /// The budget's emission interval (seconds per request at its sustained rate): what each request costs.
    public var interval: Double

    public init(client: String, budget: String, count: Int, interval: Double) {
        self.client = client
        self.budget = budget
        self.count = count
        self.interval = interval
    }
}
