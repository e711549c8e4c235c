import ArgumentParser

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Search classes near a place.")
    func run() throws {}
}
