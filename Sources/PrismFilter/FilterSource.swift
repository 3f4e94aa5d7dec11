/// Reading filters from files (`--filter-file`, the named filters in `filters/`).
public enum FilterSource {
    /// The filter text of a `.filter` file: lines whose first non-blank character is `#` are blanked
    /// (not removed), so error positions still point at the right line of the file.
    public static func stripComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") ? "" : String(line) }
            .joined(separator: "\n")
    }
}
