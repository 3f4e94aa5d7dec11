import ArgumentParser

@main
struct PrismBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prism-bench",
        abstract: "Measure Prism: each scenario prints one JSON object with its parameters and figures.",
        discussion: "Build with -c release (make bench does) or the figures mean nothing.",
        subcommands: [
            FilterScenario.self, RegisterScenario.self, EnumerateScenario.self, MulticastScenario.self,
            SweepScenario.self, RestartScenario.self, GRPCScenario.self, NATSScenario.self, TopRenderScenario.self,
            IoTSimScenario.self, BareServer.self, ClientLoadScenario.self, SessionScenario.self,
        ]
    )
}
