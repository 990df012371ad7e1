import CGantryBuildInfo
import Foundation
import GantryCore

/// What this binary is: its version, the commit and date it was built from, and the compiler
/// and platform it was built for. A fleet of runners is only debuggable when each can say
/// which build it runs; `gantry version`, `--version`, the package and the install script all
/// print this.
struct BuildInfo: Encodable, Sendable {
    var version: String
    /// The git commit, `-dirty` when the checkout had uncommitted changes, `unknown` outside git.
    var commit: String
    /// The build's date (SOURCE_DATE_EPOCH: the commit's time in the release and test
    /// scripts), absent when the build did not set it.
    var buildDate: Date?
    var swiftVersion: String
    var target: String

    static let current = BuildInfo(
        version: GantryVersion.current,
        commit: String(cString: gantry_build_commit()),
        buildDate: Double(String(cString: gantry_build_epoch())).map { Date(timeIntervalSince1970: $0) },
        swiftVersion: compilerVersion,
        target: targetTriple
    )

    /// The first 12 characters of the commit, as `git log --abbrev=12` shows it.
    var shortCommit: String {
        let dirty = commit.hasSuffix("-dirty")
        let hash = dirty ? String(commit.dropLast("-dirty".count)) : commit
        return String(hash.prefix(12)) + (dirty ? "-dirty" : "")
    }

    /// One line: `gantry 0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-07, Swift 6.3, x86_64-unknown-linux-gnu)`.
    var line: String {
        let built = buildDate.map { ", built " + String(Timestamp.format($0).prefix(10)) } ?? ""
        return "gantry \(version) (commit \(shortCommit)\(built), Swift \(swiftVersion), \(target))"
    }

    static var compilerVersion: String {
        #if compiler(>=6.5)
        return "6.5 or newer"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #else
        return "6.1 or older"
        #endif
    }

    static var targetTriple: String {
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "aarch64"
        #else
        let arch = "unknown"
        #endif
        #if os(Linux)
        return arch + "-unknown-linux-gnu"
        #elseif os(macOS)
        return (arch == "aarch64" ? "arm64" : arch) + "-apple-macosx"
        #else
        return arch + "-unknown"
        #endif
    }
}
