import ArgumentParser

extension ContextFile {
    /// Shell completion for a context name (`prism context use <TAB>`, `--context <TAB>`): the names in
    /// the file, none when it cannot be read.
    public static let nameCompletion = CompletionKind.custom { _, _, _ in
        ((try? ContextFile.load())?.contexts ?? []).map(\.name)
    }
}
