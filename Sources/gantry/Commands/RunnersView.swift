struct RunnersView: Encodable {
    var runners: [RunnerView]
}
