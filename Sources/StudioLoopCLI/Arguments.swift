import ArgumentParser
import Datasets
import Domain
import Foundation
import Geo

/// "-26.2041,28.0473": latitude first, as maps and phones show it.
struct Position: ExpressibleByArgument, Sendable {
    var coordinate: Coordinate

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let lat = Double(parts[0].trimmingCharacters(in: .whitespaces)),
            let lng = Double(parts[1].trimmingCharacters(in: .whitespaces))
        else { return nil }
        coordinate = Coordinate(latitude: lat, longitude: lng)
    }

    /// `--near` as typed, refused with what to type instead: "-26.2 28.0" with a space reads
    /// as two words, the second a search word.
    static func parse(_ text: String) throws -> Position {
        guard let position = Position(argument: text) else {
            throw ValidationError("give latitude and longitude as one value, with a comma: --near -26.2041,28.0473")
        }
        return position
    }
}

/// "south,west,north,east" in degrees.
struct BoundingBox: ExpressibleByArgument, Sendable {
    var box: GeoBox

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4 else { return nil }
        box = GeoBox(south: parts[0], west: parts[1], north: parts[2], east: parts[3])
    }
}

/// A distance: "5km", "500m", or a bare number of kilometres.
struct Distance: ExpressibleByArgument, Sendable {
    var kilometres: Double

    init?(argument: String) {
        let text = argument.lowercased().trimmingCharacters(in: .whitespaces)
        let (number, scale): (Substring, Double) =
            if text.hasSuffix("km") { (text.dropLast(2), 1) }
            else if text.hasSuffix("m") { (text.dropLast(1), 0.001) }
            else { (Substring(text), 1) }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
        kilometres = value * scale
    }

    init(kilometres: Double) {
        self.kilometres = kilometres
    }
}

/// An ISO 8601 instant ("2026-11-25T18:00:00+02:00", "…Z") or a date ("2026-11-25").
struct Instant: ExpressibleByArgument, Sendable {
    var seconds: Int64

    init?(argument: String) {
        guard let seconds = ISO8601.parse(argument) else { return nil }
        self.seconds = seconds
    }

    init(seconds: Int64) {
        self.seconds = seconds
    }

    static var now: Instant { Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))) }
}

/// Options every command that reads a dataset shares.
struct DatasetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The dataset folder (default: Data/demo).", valueName: "dir"))
    var dataset: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Take this ISO 8601 instant as now, for reproducible runs (default: the clock).", valueName: "time")
    )
    var now: Instant?

    /// The dataset given, or the demo: `Data/demo` here, else the one beside the sources.
    var datasetURL: URL {
        if let dataset { return URL(filePath: dataset, directoryHint: .isDirectory) }
        return ReferenceData.defaultDirectory().appending(path: "demo", directoryHint: .isDirectory)
    }
    var nowSeconds: Int64 { (now ?? .now).seconds }
}
