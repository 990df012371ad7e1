import Foundation
import GantryCore

/// One approval in `approve --json` and `approvals --json`: what was signed, by whom, and
/// whether it counts (with why not).
struct ApprovalView: Encodable {
    var environment: String
    var release: String
    /// The signer's first principal in `allowed_signers`; null when the signature does not
    /// verify.
    var signer: String?
    var signedAt: Date?
    var expiresAt: Date?
    var recordedAt: Date
    /// `sha256:<hex>` of the configuration file it was signed for.
    var config: String?
    var evidence: String?
    var comment: String?
    var counts: Bool
    /// Why it does not count; null when it does.
    var whyNot: String?

    init(_ judged: ApprovalGate.Judged, ttl: Duration) {
        environment = judged.statement?.environment ?? judged.approval.environment
        release = judged.statement?.release ?? judged.approval.release
        signer = judged.signer
        signedAt = judged.statement?.signedAt
        expiresAt = judged.statement.map { $0.signedAt.addingTimeInterval(ttl.seconds) }
        recordedAt = judged.approval.recordedAt
        config = judged.statement?.config
        // Rows are written by whoever can write to the store: no control character reaches
        // a terminal.
        evidence = judged.statement?.evidence.map(Self.printable)
        comment = judged.statement?.comment.map(Self.printable)
        counts = judged.counts
        whyNot = judged.void
    }

    enum CodingKeys: String, CodingKey { case environment, release, signer, signedAt, expiresAt, recordedAt, config, evidence, comment, counts, whyNot }

    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    /// Absent values are written as null: a reader tells "none" from "not listed".
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environment, forKey: .environment)
        try container.encode(release, forKey: .release)
        try container.encode(signer, forKey: .signer)
        try container.encode(signedAt, forKey: .signedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(config, forKey: .config)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(comment, forKey: .comment)
        try container.encode(counts, forKey: .counts)
        try container.encode(whyNot, forKey: .whyNot)
    }
}

/// `approvals --json`: per release, how many count of how many required.
struct ApprovalsView: Encodable {
    struct Release: Encodable {
        var release: String
        var required: Int
        var counted: Int
        var approved: Bool
        var approvals: [ApprovalView]
    }

    var environment: String
    /// `sha256:<hex>` of the configuration file read now: what a deploy would need.
    var config: String?
    var releases: [Release]

    enum CodingKeys: String, CodingKey { case environment, config, releases }

    /// `config` is written as null rather than left out, as everywhere in these documents.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environment, forKey: .environment)
        try container.encode(config, forKey: .config)
        try container.encode(releases, forKey: .releases)
    }
}
