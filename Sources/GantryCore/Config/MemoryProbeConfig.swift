package struct MemoryProbeConfig: Sendable, Hashable {
    package var minAvailable: SizeThreshold

    package init(minAvailable: SizeThreshold) { self.minAvailable = minAvailable }
}
