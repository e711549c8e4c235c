public import ArgumentParser

/// `studioloop`: search the marketplace, generate and export datasets, build index snapshots.
public struct StudioLoop: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "studioloop",
        abstract: "Geospatial search for fitness classes in African cities.",
        subcommands: [Search.self, DataCommand.self, IndexCommand.self],
        defaultSubcommand: Search.self
    )

    public init() {}
}
