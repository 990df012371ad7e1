import GantryCore
import Testing

@Suite("secret masking and interpolation")
struct MaskingTests {
    @Test("every occurrence of every secret is masked")
    func masksAll() {
        let masker = SecretMasker(values: ["hunter2", "s3cr3t"])
        #expect(masker.mask("pass=hunter2 token=s3cr3t again hunter2") == "pass=*** token=*** again ***")
        #expect(masker.mask("nothing here") == "nothing here")
    }

    @Test("a secret containing another is masked whole")
    func longestFirst() {
        let masker = SecretMasker(values: ["abc", "abcdef"])
        #expect(masker.mask("x abcdef y") == "x *** y")
    }

    @Test("each line of a multi-line secret is masked")
    func multiLine() {
        let key = "-----BEGIN KEY-----\nMIIEvQIBADANBgkq\n-----END KEY-----"
        let masker = SecretMasker(values: [key])
        #expect(masker.mask("line: MIIEvQIBADANBgkq") == "line: ***")
        #expect(!masker.mask(key).contains("MIIEvQ"))
    }

    @Test("empty values mask nothing")
    func emptyValues() {
        #expect(SecretMasker(values: ["", ""]).isEmpty)
    }

    @Test("the masker of an environment covers secrets, credential variables and URL passwords")
    func environmentMasker() {
        let environment = EnvironmentConfig(
            name: "p", secrets: ["DEPLOY_KEY"], deploy: CommandConfig(argv: ["x"]),
            credentialVariables: ["API_TOKEN"], credentialURLs: ["postgres://u:literal-pw@db/app", "postgres://u:${PGPASS}@db/app"]
        )
        let masker = SecretMasker.forEnvironment(environment, processEnvironment: [
            "DEPLOY_KEY": "key-value", "API_TOKEN": "tok-value", "PGPASS": "pg-value", "HOME": "/root",
        ])
        #expect(masker.mask("key-value tok-value literal-pw pg-value /root") == "*** *** *** *** /root")
    }

    @Test("URL passwords are found", arguments: [
        ("postgres://user:pw@host/db", "pw"), ("https://a:b:c@h/", "b:c"), ("http://user@host/", nil), ("http://host/p@x", nil),
    ] as [(String, String?)])
    func urlPasswords(url: String, password: String?) {
        #expect(URLPassword.extract(from: url) == password)
    }

    @Test("${VAR} expands, $${ escapes, other dollars stay, a missing variable is an error")
    func interpolation() throws {
        #expect(try Interpolation.expand("a ${X} b $${X} c $HOME $$ $1 $", environment: ["X": "1"]) == "a 1 b ${X} c $HOME $$ $1 $")
        #expect(Interpolation.references(in: "${A}-${B_2}") == ["A", "B_2"])
        #expect(throws: Interpolation.MissingVariable(name: "NOPE")) { try Interpolation.expand("${NOPE}", environment: [:]) }
    }

    @Test("a value too short to mask safely is masked only where it stands alone, never inside a word or a path")
    func shortValues() {
        let masker = SecretMasker(values: ["x", "ab", "long-secret"])
        #expect(masker.mask("/tmp/x/y") == "/tmp/x/y")
        #expect(masker.mask("token=x done") == "token=*** done")
        #expect(masker.mask("x") == "***")
        #expect(masker.mask("\"ab\", xx ab") == "\"***\", xx ***")
        #expect(masker.mask("tab long-secret") == "tab ***")
        #expect(!masker.values.contains("x"), "never handed to a CI's own masking, which would garble every x")
        #expect(SecretMasker.tooShortToMask(["A", "B", "C"], in: ["A": "x", "B": "abcd", "C": ""]) == ["A"])
    }
}
