import BioGatewayJSON
import BioGatewayPacing
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport

let specimens = SimulatorDataset.nhmSpecimenResourceID
let nhmPath = "/nhm/api/3/action/datastore_search"
let vertnetPath = "/vertnet/api/search"

extension SimulatorHandle {
    /// How many requests the upstream simulator received for a source.
    func calls(_ source: UpstreamSource) async -> Int {
        await self.state.requests(source: source).count
    }

    /// The parameters of the last request a source received.
    func lastParameters(_ source: UpstreamSource) async -> JSONValue? {
        await self.state.requests(source: source).last?.parameters
    }
}

/// A clock that stands still: client budgets never refill during the test, however slowly it runs (the
/// upstream gates' generous test limits let requests through at one instant).
var stoppedClock: GatewayClock { SkippingClock(manual: true).gatewayClock }
