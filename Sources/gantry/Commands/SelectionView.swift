struct SelectionView: Encodable {
    var environment: String
    var runner: String?
    var label: String?
    var labels: [String]?
    var failoverFrom: String?
    var runners: [RunnerView]
}
