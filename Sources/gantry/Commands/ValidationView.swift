/// `validate --json`.
struct ValidationView: Encodable {
    var valid: Bool
    var file: String
    var environments: [String]
    /// Each problem with where it is and what to write instead.
    var errors: [ConfigErrorView]
    /// URL fields written as a whole `${VAR}`, whose form is checked when they are read.
    var checkedAtRunTime: [RunTimeCheckView] = []
    /// Each environment's inventory, and what read it.
    var inventories: [InventoryView] = []
    /// What this machine could not do with a valid config: a deploy or rollback program it
    /// cannot start (preflight refuses those deploys).
    var warnings: [String] = []
}
