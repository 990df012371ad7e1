import SystemPackage

/// Config-relative paths as text, through swift-system's `FilePath` (lexical: no symlink is
/// followed). An empty result is written `.`, as a shell would.
package enum PathText {
    /// `path` resolved against `directory` (an absolute `path` stands alone), normalized.
    package static func join(_ directory: String, _ path: String) -> String {
        text(FilePath(directory).pushing(FilePath(path)).lexicallyNormalized())
    }

    /// Removes `.` and `..` components.
    static func normalize(_ path: String) -> String {
        text(FilePath(path).lexicallyNormalized())
    }

    /// The directory holding `path`.
    package static func directory(of path: String) -> String {
        text(FilePath(path).removingLastComponent())
    }

    /// The last component of `path`: a file's name.
    package static func base(of path: String) -> String {
        FilePath(path).lastComponent?.string ?? path
    }

    private static func text(_ path: FilePath) -> String {
        path.isEmpty ? "." : path.string
    }
}
