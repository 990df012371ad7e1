import Foundation

/// A plain text table with aligned columns, for `history`, `status` and `show`.
package struct TextTable: Sendable {
    var headers: [String]
    var rows: [[String]]

    package init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    package func render(style: Style = Style(enabled: false)) -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
        var text = style.bold(line(headers)) + "\n"
        for row in rows { text += line(row) + "\n" }
        return text
    }

    /// The same table as GitHub-flavoured Markdown.
    package func markdown() -> String {
        func escape(_ cell: String) -> String { cell.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var text = "| " + headers.map(escape).joined(separator: " | ") + " |\n"
        text += "|" + headers.map { _ in " --- |" }.joined() + "\n"
        for row in rows { text += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        return text
    }
}
