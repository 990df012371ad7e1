import GantryCore

/// `status --json`.
struct StatusView: Encodable {
    var environments: [EnvironmentStatusDocument]
}
