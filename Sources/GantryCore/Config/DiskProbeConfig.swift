package struct DiskProbeConfig: Sendable, Hashable {
    package var path: String
    package var minFree: SizeThreshold?
    package var minFreeInodes: SizeThreshold?

    package init(path: String) { self.path = path }
}
