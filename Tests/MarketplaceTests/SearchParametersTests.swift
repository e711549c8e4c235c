import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Marketplace
import Testing

/// One reader of search parameters for every front end: a query string and a JSON body ask the
/// same query, and every refusal names the parameter at fault.
@Suite struct SearchParametersTests {
    static let areas = try! NamedAreas(cities: TestData.reference.cities, places: TestData.reference.places)
    static let now: Int64 = TestData.now

    @Test func aQueryStringAndAJSONBodyAskTheSameQuery() throws {
        let fromText = try SearchQuery(
            parameters: [
                "lat": "-26.2041", "lng": "28.0473", "radius_km": "5", "q": "yoga", "type": "yoga,martial-arts", "difficulty": "beginner",
                "max_credits": "3", "min_spots": "0", "sort": "start_time", "limit": "7", "all_gyms": "true", "explain": "false",
                "from": "2026-11-25T18:00:00+02:00",
            ],
            areas: Self.areas, now: Self.now
        )
        let body = #"""
            {"lat": -26.2041, "lng": 28.0473, "radius_km": 5, "q": "yoga", "type": ["yoga", "martial_arts"], "difficulty": "beginner",
             "max_credits": 3, "min_spots": 0, "sort": "start_time", "limit": 7, "all_gyms": true, "explain": false,
             "from": "2026-11-25T18:00:00+02:00", "cursor": null}
            """#
        let fromJSON = try SearchQuery(json: Data(body.utf8), areas: Self.areas, now: Self.now)
        #expect(fromText == fromJSON)
        #expect(fromJSON.types == [.yoga, .martialArts])
        #expect(fromJSON.marketplaceOnly == false && fromJSON.explain == false)
        #expect(fromJSON.from == ISO8601.parse("2026-11-25T16:00:00Z"))
        try fromJSON.validate()
    }

    @Test func aBodyCarriesAPolygonAndARouteAsGeoJSON() throws {
        let body = #"""
            {"area": {"type": "Polygon", "coordinates": [[[28.0, -26.3], [28.1, -26.3], [28.1, -26.1], [28.0, -26.3]]]},
             "q": "spin"}
            """#
        let query = try SearchQuery(json: Data(body.utf8), areas: Self.areas, now: Self.now)
        #expect(query.area?.contains(Coordinate(latitude: -26.25, longitude: 28.07)) == true)
        let route = #"{"along": {"type": "LineString", "coordinates": [[28.0, -26.2], [28.1, -26.2]]}, "corridor_km": 2}"#
        let along = try SearchQuery(json: Data(route.utf8), areas: Self.areas, now: Self.now)
        #expect(along.corridor?.widthKm == 2 && along.corridor?.path.count == 2)
    }

    /// The seed's app sends the position as `location=lat,lng`; the other routes spell it `near`.
    @Test func thePositionInOneValue() throws {
        let pair = try SearchQuery(parameters: ["lat": "-26.2041", "lng": "28.0473", "type": "yoga"], areas: Self.areas, now: Self.now)
        for name in ["location", "near"] {
            #expect(try SearchQuery(parameters: [name: "-26.2041,28.0473", "type": "yoga"], areas: Self.areas, now: Self.now) == pair)
        }
        #expect { try SearchQuery(parameters: ["location": "-26.2", "near": "-26.2,28"], areas: Self.areas, now: Self.now) } throws: { error in
            (error as? SearchError)?.parameter == "location"
        }
        #expect { try SearchQuery(parameters: ["lat": "-26.2", "lng": "28", "near": "-26.2,28"], areas: Self.areas, now: Self.now) } throws: { error in
            (error as? SearchError)?.parameter == "near"
        }
    }

    /// Each mistake, in a query string or a body, names its parameter.
    @Test(arguments: [
        (["lat": "-26.2"], "near"),
        (["lat": "north", "lng": "28"], "lat"),
        (["lat": "-26.2", "lng": "28", "location": "x"], "location"),
        (["bbox": "1,2,3"], "bbox"),
        (["lat": "-26.2", "lng": "28", "type": "yogga"], "type"),
        (["lat": "-26.2", "lng": "28", "difficulty": "expert"], "difficulty"),
        (["lat": "-26.2", "lng": "28", "sort": "price"], "sort"),
        (["lat": "-26.2", "lng": "28", "limit": "ten"], "limit"),
        (["lat": "-26.2", "lng": "28", "all_gyms": "maybe"], "all_gyms"),
        (["lat": "-26.2", "lng": "28", "from": "tonight"], "from"),
        (["lat": "-26.2", "lng": "28", "corridor_km": "2"], "corridor_km"),
        (["area": "atlantis-of-the-sands"], "area"),
        (["along": "~~~~"], "along"),
    ])
    func aMistakeNamesItsParameter(_ parameters: [String: String], _ name: String) {
        #expect {
            try SearchQuery(parameters: parameters, areas: Self.areas, now: Self.now)
        } throws: { error in
            (error as? SearchError)?.parameter == name
        }
    }

    /// What the values mean together is checked by `validate()`, the same check the index makes.
    @Test(arguments: [
        (["lat": "-26.2", "lng": "28", "radius_km": "500"], "radius_km"),
        // A named area is searched whole: a radius needs a position given with it.
        (["area": "Ikeja", "radius_km": "30"], "radius_km"),
        (["lat": "91", "lng": "28"], "near"),
        (["lat": "-26.2", "lng": "28", "limit": "0"], "limit"),
        (["lat": "-26.2", "lng": "28", "min_spots": "-1"], "min_spots"),
        (["lat": "-26.2", "lng": "28", "from": "2026-11-26T00:00:00Z", "to": "2026-11-25T00:00:00Z"], "to"),
        (["q": "yoga"], "near"),
    ])
    func aQueryThatCannotBeAskedNamesItsParameter(_ parameters: [String: String], _ name: String) throws {
        let query = try SearchQuery(parameters: parameters, areas: Self.areas, now: Self.now)
        #expect { try query.validate() } throws: { error in (error as? SearchError)?.parameter == name }
        #expect { try OracleTests.index.search(query) } throws: { error in
            (error as? SearchError)?.parameter == name
        }
    }

    @Test func aBodyThatIsNotAnObjectOrHoldsObjectsIsRefused() {
        for body in ["[1, 2]", "not json", #"{"q": {"text": "yoga"}}"#, #"{"area": 42}"#, #"{"type": [["yoga"]]}"#] {
            #expect(throws: SearchError.self, "\(body)") { try SearchQuery(json: Data(body.utf8), areas: Self.areas, now: Self.now) }
        }
    }
}
