package struct LocalRunnerSource: Sendable, Hashable {
    package var minFreeDisk: SizeThreshold?
    package var diskPath: String = "/"
    package var minAvailableMemory: SizeThreshold?
    package var tools: [String] = []

    package init() {}
}
