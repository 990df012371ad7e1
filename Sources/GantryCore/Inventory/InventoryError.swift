/// A line of an inventory that could not be read.
package struct InventoryError: Error, Sendable, CustomStringConvertible {
    package var file: String
    package var line: Int?
    package var message: String

    package var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
