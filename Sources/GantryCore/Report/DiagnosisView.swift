/// The JSON of `gantry diagnose --json`.
package struct DiagnosisView: Encodable {
    package var deployment: DeploymentView?
    var findings: [Finding]

    package init(deployment: DeploymentView?, findings: [Finding]) {
        self.deployment = deployment
        self.findings = findings
    }
}
