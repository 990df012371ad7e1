import ArgumentParser
import GantryTerminal

/// `--color`'s values, as the terminal module's `ColorMode`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var mode: ColorMode { ColorMode(rawValue: rawValue) ?? .auto }
}
