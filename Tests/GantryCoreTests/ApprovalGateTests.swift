import Foundation
import GantryCore
import Testing

/// `approvals:`' rules as values: the signed statement reads back as it was written, and an
/// approval counts only when its signature verifies, it names this environment, release and
/// configuration, it is neither expired nor from the future, its signer is not the deployer,
/// and its signer has not counted already. Every refusal lists each approval and why.
@Suite("approvals: what counts")
struct ApprovalGateTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let digest = "sha256:" + String(repeating: "1a2b", count: 16)
    let otherDigest = "sha256:" + String(repeating: "9f8e", count: 16)
    let alice = SignatureCheck.valid(principals: ["alice", "alice@example.com"])
    let bob = SignatureCheck.valid(principals: ["bob", "bob@example.com"])

    /// A statement for production 2.4.1 under `digest`, signed `minutes` before `now`.
    func statement(
        environment: String = "production", release: String = "2.4.1", config: String? = nil, minutesAgo minutes: Double = 30,
        evidence: String? = nil, comment: String? = nil
    ) -> ApprovalStatement {
        ApprovalStatement(
            environment: environment, release: release, config: config ?? digest, signedAt: now.addingTimeInterval(-minutes * 60),
            evidence: evidence, comment: comment
        )
    }

    /// A stored approval of production 2.4.1 holding `text` as its signed statement.
    func approval(_ text: String, recorded minutesAgo: Double = 29) -> Approval {
        Approval(
            environment: "production", release: "2.4.1", statement: text,
            signature: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n", recordedAt: now.addingTimeInterval(-minutesAgo * 60)
        )
    }

    func approval(_ statement: ApprovalStatement) -> Approval {
        approval(statement.text, recorded: -statement.signedAt.timeIntervalSince(now) / 60 - 1)
    }

    /// The gate's verdict for a deploy of production 2.4.1 under `digest` by dora, at `now`;
    /// `checked` newest first, as the store answers.
    func judge(
        _ checked: [(Approval, SignatureCheck)], required: Int = 1, ttl: Duration = ApprovalsConfig.defaultTTL,
        deployer: String? = "dora", config: String?? = .none
    ) -> ApprovalGate.Verdict {
        let deploy = ApprovalGate.Deploy(environment: "production", release: "2.4.1", config: config ?? digest, deployer: deployer, now: now)
        return ApprovalGate.judge(checked, config: ApprovalsConfig(required: required, allowedSigners: "ops/allowed_signers", ttl: ttl), deploy: deploy)
    }

    /// Why `text` is not a statement; an issue (and nil) when it reads as one.
    func unreadable(_ text: String) -> String? {
        let error = #expect(throws: ApprovalStatement.Unreadable.self, "\(text)") { try ApprovalStatement.parse(text) }
        return error?.why
    }

    // MARK: - The statement

    @Test("a statement reads back as it was written, with and without evidence and comment, fields in any order")
    func statementRoundTrip() throws {
        let full = statement(minutesAgo: 0, evidence: "sha256:\(String(repeating: "c0ff", count: 16)) staging-report.json", comment: "staging soaked 2h: fine")
        #expect(full.text == """
            gantry approval v1
            environment: production
            release: 2.4.1
            config: \(digest)
            signed-at: 1800000000 (2027-01-15T08:00:00.000Z)
            evidence: sha256:\(String(repeating: "c0ff", count: 16)) staging-report.json
            comment: staging soaked 2h: fine

            """)
        #expect(try ApprovalStatement.parse(full.text) == full)
        let bare = statement(minutesAgo: 90)
        #expect(!bare.text.contains("evidence:"))
        #expect(!bare.text.contains("comment:"))
        #expect(try ApprovalStatement.parse(bare.text) == bare)
        // After the header the fields may come in any order; the trailing newline is optional.
        var lines = full.text.split(separator: "\n").map(String.init)
        lines[1...].reverse()
        #expect(try ApprovalStatement.parse(lines.joined(separator: "\n")) == full)
        // signed-at is read back to the second.
        #expect(try ApprovalStatement.parse(bare.text).signedAt == now.addingTimeInterval(-90 * 60))
    }

    @Test("a comment of several lines is signed as one line, and cannot smuggle in a field")
    func multiLineComment() throws {
        let signed = statement(comment: "looked at staging\nall green\r\nrelease: 9.9.9")
        let text = signed.text
        #expect(text.split(separator: "\n").count == 6)
        #expect(text.hasSuffix("comment: looked at staging all green release: 9.9.9\n"))
        let read = try ApprovalStatement.parse(text)
        #expect(read.comment == "looked at staging all green release: 9.9.9")
        #expect(read.release == "2.4.1")
        var expected = signed
        expected.comment = "looked at staging all green release: 9.9.9"
        #expect(read == expected)
    }

    @Test("text that is not a statement is unreadable, saying why")
    func statementParseErrors() {
        let lines = statement(evidence: "sha256:abc report.json").text.split(separator: "\n").map(String.init)
        func text(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

        let header = unreadable(text(["gantry approval v2"] + Array(lines.dropFirst())))
        #expect(header == "it does not begin with 'gantry approval v1'")
        #expect(unreadable("I approve 2.4.1 for production")?.contains("does not begin with 'gantry approval v1'") == true)
        #expect(unreadable("")?.contains("does not begin with") == true)

        let unknown = unreadable(text(lines + ["approver: mallory"]))
        #expect(unknown == "it has an unknown field 'approver'")

        let twice = unreadable(text(lines + ["release: 9.9.9"]))
        #expect(twice == "it names release twice")

        let missing = unreadable(text(lines.filter { !$0.hasPrefix("release: ") }))
        #expect(missing == "it has no release")

        let time = unreadable(text(lines.map { $0.hasPrefix("signed-at: ") ? "signed-at: yesterday" : $0 }))
        #expect(time == "its signed-at 'yesterday' is not seconds since 1970")

        let notKeyValue = unreadable(text(lines + ["release=9.9.9"]))
        #expect(notKeyValue?.contains("'release=9.9.9' is not 'key: value'") == true)
    }

    // MARK: - What counts

    @Test("a valid approval of this environment, release and configuration by someone else counts")
    func validCounts() {
        let signed = statement(minutesAgo: 30)
        let verdict = judge([(approval(signed), alice)])
        #expect(verdict.refusal == nil)
        #expect(verdict.required == 1)
        #expect(verdict.counted == 1)
        let entry = verdict.judged[0]
        #expect(entry.counts)
        #expect(entry.void == nil)
        #expect(entry.signer == "alice")
        #expect(entry.statement == signed)
        #expect(entry.who == "alice (signed 2027-01-15T07:30:00.000Z)")
    }

    @Test("an approval whose signature does not verify does not count, with ssh-keygen's reason")
    func invalidSignature() {
        let stored = approval(statement().text, recorded: 10)
        let verdict = judge([(stored, .invalid("Signature verification failed: incorrect signature"))])
        let entry = verdict.judged[0]
        #expect(!entry.counts)
        #expect(entry.signer == nil)
        #expect(entry.void == "its signature does not verify against ops/allowed_signers: Signature verification failed: incorrect signature")
        #expect(verdict.refusal?.code == .notApproved)
        #expect(verdict.refusal?.text == "2.4.1 needs 1 approval for production, 0 count: an approval recorded 2027-01-15T07:50:00.000Z does not count: its signature does not verify against ops/allowed_signers: Signature verification failed: incorrect signature")
    }

    @Test("an approval of another environment does not count, though it was stored under this one")
    func anotherEnvironment() {
        let verdict = judge([(approval(statement(environment: "staging")), alice)])
        #expect(verdict.judged[0].void == "it approves environment staging")
        #expect(verdict.refusal?.code == .notApproved)
        #expect(verdict.refusal?.text.contains("alice (signed 2027-01-15T07:30:00.000Z) does not count: it approves environment staging") == true)
    }

    @Test("an approval of another release does not count")
    func anotherRelease() {
        let verdict = judge([(approval(statement(release: "2.4.0")), alice)])
        #expect(verdict.judged[0].void == "it approves release 2.4.0")
        #expect(verdict.refusal?.code == .notApproved)
        #expect(verdict.refusal?.text.contains("does not count: it approves release 2.4.0") == true)
    }

    @Test("an approval signed for another configuration file does not count, naming both digests")
    func anotherConfiguration() {
        let verdict = judge([(approval(statement(config: otherDigest)), alice)])
        let void = verdict.judged[0].void
        #expect(void == "it was signed for another configuration (sha256:9f8e9f8e9f8e…, this deploy's is sha256:1a2b1a2b1a2b…): the file changed since")
        #expect(verdict.refusal?.code == .notApproved)
        #expect(verdict.refusal?.text.contains("does not count: it was signed for another configuration") == true)
        // A deploy that does not know its configuration's digest counts none.
        let unknown = judge([(approval(statement()), alice)], config: .some(nil))
        #expect(unknown.judged[0].void?.contains("another configuration") == true)
        #expect(unknown.judged[0].void?.contains("this deploy's is unknown") == true)
        #expect(unknown.refusal?.code == .notApproved)
    }

    @Test("an approval older than its ttl has expired; one younger counts")
    func expired() {
        let old = judge([(approval(statement(minutesAgo: 25 * 60)), alice)])
        #expect(old.judged[0].void == "it expired at 2027-01-15T07:00:00.000Z (ttl 24h)")
        #expect(old.refusal?.code == .notApproved)
        #expect(old.refusal?.text.contains("does not count: it expired at") == true)
        #expect(judge([(approval(statement(minutesAgo: 23 * 60)), alice)]).refusal == nil)
        // The environment's ttl, not the default.
        let short = judge([(approval(statement(minutesAgo: 13 * 60)), alice)], ttl: .seconds(12 * 3600))
        #expect(short.judged[0].void?.contains("expired") == true)
        #expect(short.judged[0].void?.contains("(ttl 12h)") == true)
        #expect(short.refusal?.code == .notApproved)
    }

    @Test("an approval dated more than five minutes ahead does not count; a little clock skew is tolerated")
    func datedInTheFuture() {
        let ahead = judge([(approval(statement(minutesAgo: -10)), alice)])
        #expect(ahead.judged[0].void == "it is dated in the future (2027-01-15T08:10:00.000Z)")
        #expect(ahead.refusal?.code == .notApproved)
        #expect(ahead.refusal?.text.contains("does not count: it is dated in the future") == true)
        #expect(judge([(approval(statement(minutesAgo: -4)), alice)]).refusal == nil)
    }

    @Test("the deployer's own approval does not count, whichever of their principals, in any case")
    func deployersOwn() {
        let own = approval(statement())
        let principals = SignatureCheck.valid(principals: ["Alice", "alice@example.com"])
        let verdict = judge([(own, principals)], deployer: "alice")
        #expect(verdict.judged[0].void == "alice is this deploy's deployer, who may not approve their own deploy")
        #expect(verdict.refusal?.code == .notApproved)
        #expect(verdict.refusal?.text.contains("Alice (signed 2027-01-15T07:30:00.000Z) does not count: alice is this deploy's deployer") == true)
        let byMail = judge([(own, principals)], deployer: "ALICE@example.com")
        #expect(byMail.judged[0].void?.contains("may not approve their own deploy") == true)
        #expect(byMail.refusal?.code == .notApproved)
        // Someone else's approval of alice's deploy counts.
        #expect(judge([(approval(statement()), bob)], deployer: "alice").refusal == nil)
    }

    @Test("the same signer approving twice counts once: the older one, the newer counts already")
    func sameSignerTwice() {
        let older = approval(statement(minutesAgo: 60))
        let newer = approval(statement(minutesAgo: 20))
        let verdict = judge([(newer, alice), (older, .valid(principals: ["ALICE", "alice@example.com"]))], required: 2)
        #expect(verdict.counted == 1)
        #expect(verdict.judged.map(\.counts) == [false, true])
        #expect(verdict.judged[0].void == "another approval by alice counts already")
        #expect(verdict.refusal?.code == .notApproved)
        #expect(verdict.refusal?.text == "2.4.1 needs 2 approvals for production, 1 counts: alice (signed 2027-01-15T07:40:00.000Z) does not count: another approval by alice counts already; ALICE (signed 2027-01-15T07:00:00.000Z) counts")
    }

    @Test("a person listed under two names counts once; no principal, or no known deployer, counts for nothing")
    func namesAndUnknowns() {
        let first = approval(statement(minutesAgo: 50))
        let second = approval(statement(minutesAgo: 10))
        let twice = judge([(second, .valid(principals: ["alice@example.com", "alice"])), (first, alice)], required: 2)
        #expect(twice.counted == 1)
        #expect(twice.judged[0].void == "another approval by alice@example.com counts already")
        let pattern = judge([(approval(statement()), .valid(principals: ["*@example.com"]))], deployer: "alice@example.com")
        #expect(pattern.judged[0].void == "its key's line in ops/allowed_signers names a pattern (*@example.com), not a person")
        #expect(pattern.refusal?.code == .notApproved)
        let nameless = judge([(approval(statement()), .valid(principals: []))])
        #expect(nameless.judged[0].void == "its signature names no principal in ops/allowed_signers")
        let anonymous = judge([(approval(statement()), bob)], deployer: nil)
        #expect(anonymous.judged[0].void?.contains("this deploy's deployer is unknown") == true)
        #expect(anonymous.refusal?.code == .notApproved)
    }

    @Test("two different signers meet required: 2")
    func twoSigners() {
        let verdict = judge([(approval(statement(minutesAgo: 10)), bob), (approval(statement(minutesAgo: 50)), alice)], required: 2)
        #expect(verdict.refusal == nil)
        #expect(verdict.counted == 2)
        #expect(verdict.judged.map(\.signer) == ["bob", "alice"])
        // One of them is not enough.
        let one = judge([(approval(statement(minutesAgo: 10)), bob)], required: 2)
        #expect(one.refusal?.code == .notApproved)
        #expect(one.refusal?.text == "2.4.1 needs 2 approvals for production, 1 counts: bob (signed 2027-01-15T07:50:00.000Z) counts")
    }

    @Test("no approvals at all: refused, saying none and how to sign one")
    func noApprovals() {
        let verdict = judge([])
        #expect(verdict.judged.isEmpty)
        #expect(verdict.refusal?.code == .notApproved)
        #expect(verdict.refusal?.text == "2.4.1 needs 1 approval for production and has none; 'gantry approve production --release 2.4.1 --key KEY' signs one")
        let two = judge([], required: 2)
        #expect(two.refusal?.text.contains("needs 2 approvals for production and has none") == true)
        #expect(two.refusal?.text.contains("gantry approve production --release 2.4.1") == true)
    }

    @Test("an approval whose statement cannot be read does not count, even with a valid signature")
    func unreadableStatement() {
        let stored = approval("I approve 2.4.1 for production\n", recorded: 5)
        let verdict = judge([(stored, alice)])
        let entry = verdict.judged[0]
        #expect(entry.statement == nil)
        #expect(entry.signer == "alice")
        #expect(entry.void == "its statement is unreadable: it does not begin with 'gantry approval v1'")
        #expect(verdict.refusal?.code == .notApproved)
        // Without a readable signed time, the listing shows when it was recorded.
        let text = verdict.refusal?.text ?? ""
        #expect(text.contains("alice ("), "\(text)")
        #expect(text.contains("2027-01-15T07:55:00.000Z) does not count: its statement is unreadable: it does not begin with 'gantry approval v1'"), "\(text)")
    }

    @Test("a refusal lists every approval, newest first, with why each does or does not count")
    func refusalListsEach() {
        let checked: [(Approval, SignatureCheck)] = [
            (approval(statement(minutesAgo: 5)), .invalid("Could not verify signature.")),
            (approval(statement(release: "2.3.0", minutesAgo: 10)), bob),
            (approval(statement(minutesAgo: 20)), alice),
            (approval(statement(minutesAgo: 30 * 60)), bob),
        ]
        let verdict = judge(checked, required: 2)
        #expect(verdict.counted == 1)
        #expect(verdict.judged.map(\.counts) == [false, false, true, false])
        let text = verdict.refusal?.text
        #expect(verdict.refusal?.code == .notApproved)
        let listed: [String] = [
            "an approval recorded 2027-01-15T07:56:00.000Z does not count: its signature does not verify against ops/allowed_signers: Could not verify signature.",
            "bob (signed 2027-01-15T07:50:00.000Z) does not count: it approves release 2.3.0",
            "alice (signed 2027-01-15T07:40:00.000Z) counts",
            "bob (signed 2027-01-14T02:00:00.000Z) does not count: it expired at 2027-01-15T02:00:00.000Z (ttl 24h)",
        ]
        let expected = "2.4.1 needs 2 approvals for production, 1 counts: " + listed.joined(separator: "; ")
        #expect(text == expected)
        #expect(text?.components(separatedBy: "does not count: ").count == 4)
    }

    // MARK: - approvals: in gantry.yml

    func issues(_ approvals: String) -> [ConfigIssue] {
        do {
            _ = try parse(approvals)
            return []
        } catch let error as ConfigError {
            return error.issues
        } catch {
            return []
        }
    }

    func parse(_ approvals: String) throws -> ApprovalsConfig? {
        let config = try ConfigParser.parse(text: """
            version: 1
            environments:
              production:
                deploy: { command: [./deploy.sh, "{release}"] }
                approvals: \(approvals)
            """, file: "gantry.yml", directory: "/srv/app")
        return try #require(config.environment("production")).approvals
    }

    @Test("approvals: parses required, allowed_signers and ttl, with defaults of 1 and 24h")
    func configParses() throws {
        #expect(try parse("{ required: 2, allowed_signers: ops/allowed_signers, ttl: 12h }")
            == ApprovalsConfig(required: 2, allowedSigners: "ops/allowed_signers", ttl: .seconds(43200)))
        let defaults = try parse("{ allowed_signers: ops/allowed_signers }")
        #expect(defaults == ApprovalsConfig(required: 1, allowedSigners: "ops/allowed_signers", ttl: .seconds(24 * 3600)))
        #expect(defaults?.ttl == ApprovalsConfig.defaultTTL)
        // Without approvals: there is no gate.
        let plain = try ConfigParser.parse(text: "version: 1\nenvironments:\n  p:\n    deploy: { command: [x] }\n", file: "gantry.yml", directory: "/srv/app")
        let environment = try #require(plain.environment("p"))
        #expect(environment.approvals == nil)
    }

    @Test("approvals: without allowed_signers, with required 0 or with an unknown key is an error at its place")
    func configErrors() {
        let missing = issues("{ required: 2 }")
        #expect(missing.contains { $0.keyPath == "environments.production.approvals.allowed_signers" && $0.message == "is required but missing" }, "\(missing)")
        #expect(missing.allSatisfy { $0.position != nil })

        let zero = issues("{ required: 0, allowed_signers: ops/allowed_signers }")
        #expect(zero.count == 1)
        #expect(zero.first?.keyPath == "environments.production.approvals.required")
        #expect(zero.first?.message == "0 is out of range")
        #expect(zero.first?.hint == "allowed: 1...10")

        let unknown = issues("{ allowed_signers: ops/allowed_signers, requried: 2 }")
        #expect(unknown.count == 1)
        #expect(unknown.first?.keyPath == "environments.production.approvals.requried")
        #expect(unknown.first?.message == "unknown key")
        #expect(unknown.first?.hint?.contains("did you mean 'required'") == true)

        let empty = issues("{ allowed_signers: \"\" }")
        #expect(empty.contains { $0.keyPath == "environments.production.approvals.allowed_signers" }, "\(empty)")
        let ttl = issues("{ allowed_signers: ops/allowed_signers, ttl: 0s }")
        #expect(ttl.contains { $0.keyPath == "environments.production.approvals.ttl" && $0.message == "must be longer than zero" }, "\(ttl)")
    }
}
