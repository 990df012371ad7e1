/// Where one-shot commands leave their metrics: a file for node_exporter's textfile
/// collector (written whole, then renamed into place).
package struct MetricsConfig: Sendable, Hashable {
    /// Absolute, or relative to the config directory; nil writes no textfile.
    package var textfile: String?

    init(textfile: String? = nil) {
        self.textfile = textfile
    }
}
