package import GantryCore

/// An inventory and how it was read, for `validate` and `preflight` to say.
package struct ReadInventory: Sendable {
    package var inventory: Inventory
    package var reader: String
    /// What the reader left out.
    package var notes: [String]
}
