import Domain
/// What a dataset was generated from, so materialization is reproducible from the files alone.
public struct DatasetManifest: Codable, Hashable, Sendable {
    public var format: Int
    public var cities: [String]
    public var gyms: Int
    public var seed: UInt64
    public var generator: String

    public init(format: Int, cities: [String], gyms: Int, seed: UInt64, generator: String) {
        self.format = format
        self.cities = cities
        self.gyms = gyms
        self.seed = seed
        self.generator = generator
    }
}
