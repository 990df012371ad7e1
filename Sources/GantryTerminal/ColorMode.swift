/// When to colour output: `auto` on a terminal without `NO_COLOR`, and on GitHub Actions,
/// whose log viewer renders ANSI colour; `always`; `never`.
package enum ColorMode: String, Sendable, Hashable, CaseIterable {
    case auto, always, never
}
