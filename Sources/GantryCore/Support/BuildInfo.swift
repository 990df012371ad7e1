package import Foundation

/// What this binary is: its version, the commit and date it was built from, and the compiler
/// and platform it was built for. A fleet of runners is only debuggable when each can say
/// which build it runs; `gantry version`, `--version`, the package and the install script all
/// print this. The CLI fills it from the build's C shim (`CGantryBuildInfo`).
package struct BuildInfo: Encodable, Sendable {
    package var version: String
    /// The git commit, `-dirty` when the checkout had uncommitted changes, `unknown` outside git.
    package var commit: String
    /// The build's date (SOURCE_DATE_EPOCH: the commit's time in the release and test
    /// scripts), absent when the build did not set it.
    var buildDate: Date?
    var swiftVersion: String
    package var target: String

    package init(version: String, commit: String, buildDate: Date?, swiftVersion: String = Self.compilerVersion, target: String = Self.targetTriple) {
        self.version = version
        self.commit = commit
        self.buildDate = buildDate
        self.swiftVersion = swiftVersion
        self.target = target
    }

    /// The first 12 characters of the commit, as `git log --abbrev=12` shows it.
    var shortCommit: String {
        let dirty = commit.hasSuffix("-dirty")
        let hash = dirty ? String(commit.dropLast("-dirty".count)) : commit
        return String(hash.prefix(12)) + (dirty ? "-dirty" : "")
    }

    /// One line: `gantry 0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-07, Swift 6.3, x86_64-unknown-linux-gnu)`.
    package var line: String {
        let built = buildDate.map { ", built " + String(Timestamp.format($0).prefix(10)) } ?? ""
        return "gantry \(version) (commit \(shortCommit)\(built), Swift \(swiftVersion), \(target))"
    }

    /// The compiler that built this module, to the minor version.
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

    /// The platform this binary runs on.
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
