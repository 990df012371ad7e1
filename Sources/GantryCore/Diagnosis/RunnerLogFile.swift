/// One `_diag` log of a GitHub Actions runner (`Runner_*.log`, `Worker_*.log`), read whole.
package struct RunnerLogFile: Sendable {
    package var name: String
    package var bytes: [UInt8]

    package init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
