/// Resources of the NHM Data Portal the gateway knows by name.
public enum NHMResource {
    /// The Data Portal's specimen collection: `/v1/records` searches it, and the simulator serves its
    /// generated specimens under this id.
    public static let specimens = "05ff2255-c38a-40c9-b657-4ccb55ab2feb"
}
