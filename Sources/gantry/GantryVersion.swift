import CGantryBuildInfo

/// The version number: recorded with deployments, exported as a metric label, and what a
/// release's tag must match (`scripts/release` refuses a tag that differs).
enum GantryVersion {
    /// The file VERSION, baked in by Package.swift.
    static let current = String(cString: gantry_build_version())
}
