import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` (the git commit the tools were built from) before each build, so that
/// `--version` names it. Without git or a repository (a source tarball, a Docker context without
/// `.git`) the commit is "unknown".
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        return [
            .prebuildCommand(
                displayName: "Recording the git commit for --version",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    context.package.directoryURL.appending(path: "scripts/build-info.sh").path,
                    context.package.directoryURL.path, output.appending(path: "BuildInfo.swift").path,
                ],
                outputFilesDirectory: output)
        ]
    }
}
