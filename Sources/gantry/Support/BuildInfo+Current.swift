import CGantryBuildInfo
import Foundation
import GantryCore

extension BuildInfo {
    /// This binary's: the commit and date baked into `CGantryBuildInfo` at build time.
    static let current = BuildInfo(
        version: GantryVersion.current,
        commit: String(cString: gantry_build_commit()),
        buildDate: Double(String(cString: gantry_build_epoch())).map { Date(timeIntervalSince1970: $0) }
    )
}
