/// What `--version` prints in every tool: the release and the git commit it was built from
/// (`BuildInfo`, written before each build by Plugins/BuildInfoPlugin).
public enum PrismVersion {
    /// Raised with each release.
    public static let number = "0.16.0"

    /// `0.16.0 (commit 1a2b3c4d5e6f)`; `+changes` marks a build of a tree with uncommitted changes.
    public static var text: String { "\(number) (commit \(BuildInfo.commit))" }
}
