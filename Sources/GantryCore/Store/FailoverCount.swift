/// How many failovers happened between two runners for an environment, ever.
package struct FailoverCount: Sendable, Hashable, Codable {
    package var environment: String
    package var from: String
    package var to: String
    package var count: Int

    package init(environment: String, from: String, to: String, count: Int) {
        self.environment = environment
        self.from = from
        self.to = to
        self.count = count
    }
}
