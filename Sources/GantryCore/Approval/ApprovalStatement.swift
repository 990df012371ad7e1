package import Foundation

/// What an approver signs: the environment, the release, the configuration it will be
/// deployed with (its file's SHA-256), the time, and optionally evidence (a staging report's
/// SHA-256) and a comment. It is plain text, one `key: value` per line, so a person can read
/// what they signed (`gantry approvals`), and it is stored byte for byte beside its signature:
/// a deploy verifies the signature over those bytes, then reads them.
package struct ApprovalStatement: Sendable, Hashable {
    package var environment: String
    package var release: String
    /// `sha256:<hex>` of the configuration file, as read.
    package var config: String
    package var signedAt: Date
    /// `sha256:<hex> <file name>` of a report attached as evidence.
    package var evidence: String?
    package var comment: String?

    /// The signature's namespace (`ssh-keygen -Y sign -n`): a signature made for anything
    /// else (a git commit, a file) does not verify as an approval.
    package static let namespace = "gantry-approval"
    static let header = "gantry approval v1"

    package init(environment: String, release: String, config: String, signedAt: Date, evidence: String? = nil, comment: String? = nil) {
        self.environment = environment
        self.release = release
        self.config = config
        self.signedAt = signedAt
        self.evidence = evidence
        self.comment = comment
    }

    /// The bytes signed. Line breaks in a comment become spaces: one line per field.
    package var text: String {
        var lines = [
            Self.header,
            "environment: \(environment)",
            "release: \(release)",
            "config: \(config)",
            "signed-at: \(Int64(signedAt.timeIntervalSince1970.rounded(.down))) (\(Timestamp.format(signedAt)))",
        ]
        if let evidence { lines.append("evidence: \(Self.oneLine(evidence))") }
        if let comment { lines.append("comment: \(Self.oneLine(comment))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why a stored statement is not one: the reason, for the approval's listing.
    package struct Unreadable: Error, Sendable, Hashable {
        package var why: String
    }

    /// Reads a statement back; only the fields above, each once, in any order after the header.
    package static func parse(_ text: String) throws(Unreadable) -> ApprovalStatement {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.first == header else { throw Unreadable(why: "it does not begin with '\(header)'") }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.range(of: ": ") else { throw Unreadable(why: "'\(line)' is not 'key: value'") }
            let key = String(line[..<colon.lowerBound])
            guard ["environment", "release", "config", "signed-at", "evidence", "comment"].contains(key) else {
                throw Unreadable(why: "it has an unknown field '\(key)'")
            }
            guard fields.updateValue(String(line[colon.upperBound...]), forKey: key) == nil else { throw Unreadable(why: "it names \(key) twice") }
        }
        if let missing = ["environment", "release", "config", "signed-at"].first(where: { fields[$0] == nil }) {
            throw Unreadable(why: "it has no \(missing)")
        }
        guard let environment = fields["environment"], let release = fields["release"], let config = fields["config"], let time = fields["signed-at"] else {
            throw Unreadable(why: "it lacks a field")
        }
        guard let seconds = time.split(separator: " ").first.flatMap({ Int64($0) }) else {
            throw Unreadable(why: "its signed-at '\(time)' is not seconds since 1970")
        }
        return ApprovalStatement(
            environment: environment, release: release, config: config, signedAt: Date(timeIntervalSince1970: TimeInterval(seconds)),
            evidence: fields["evidence"], comment: fields["comment"]
        )
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
