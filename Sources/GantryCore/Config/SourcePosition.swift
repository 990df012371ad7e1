/// A place in a configuration file, 1-based, as editors count.
package struct SourcePosition: Sendable, Hashable, Codable {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
