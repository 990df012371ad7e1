import ArgumentParser
import GantryCore

extension Release {
    /// `--release` and `--to` as argument-parser reads them (`@Option(transform:)`): a release
    /// outside the allowed alphabet is a usage error (exit 2) before any file is read or
    /// anything changes, with `Release.Invalid`'s message (and its fix, for a '/').
    static func argument(_ text: String) throws(ValidationError) -> Release {
        do {
            return try Release(text)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
