import Foundation
import Testing

/// What commands print reaches the terminal and the journal whole and masked, whatever its
/// shape.
@Suite("output hygiene")
struct OutputHygieneTests {
    @Test("a line longer than 64 KiB does not kill the deploy; a secret that crosses a piece boundary stays masked")
    func longLineWithSecret() throws {
        let token = "qz7Vw9Kp2LmN4xR"
        let script = "head -c 65530 /dev/zero | tr '\\000' x; printf '%s' \"$DEPLOY_TOKEN\"; head -c 10000 /dev/zero | tr '\\000' y; echo; sleep 0.2; echo finished"
        let project = try Project(config: shellConfig(script, secrets: true))
        let result = try project.gantry("deploy", "production", "--release", "1.0", environment: ["DEPLOY_TOKEN": token])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("finished"))
        let id = try #require((try project.json("history", "production")["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        let shown = try project.gantry("show", id)
        #expect(shown.stdout.contains("finished"))
        #expect(shown.stdout.contains("***"))
        for text in [result.output, shown.output, String(decoding: project.stateBytes(), as: UTF8.self)] {
            #expect(!text.contains(String(token.prefix(6))) && !text.contains(String(token.suffix(6))), "a part of the secret leaked")
        }
    }
}
