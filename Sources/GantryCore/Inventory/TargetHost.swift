/// A host to deploy to and check: its inventory name and the address to reach it at.
package struct TargetHost: Sendable, Hashable, Codable {
    /// The name in the inventory or in `targets:`; what output shows.
    package var name: String
    /// `ansible_host` when the inventory sets it, else the name; what `{host}` becomes.
    package var address: String
    /// `ansible_port`, when set.
    package var port: Int?

    package init(name: String, address: String? = nil, port: Int? = nil) {
        self.name = name
        self.address = address ?? name
        self.port = port
    }
}
