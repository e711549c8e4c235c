import ArgumentParser
import Datasets
import Foundation
import HummingbirdTesting
import Marketplace
import Testing

@testable import StudioLoopCLI

/// `studioloop search --server`: the command line asking a live server over HTTP gets the
/// answers the server's index gives the same query, page after page, and the server's
/// refusals in the flags' words.
@Suite("Search over HTTP")
struct SearchOverHTTPTests {
    static let queries: [[String]] = [
        ["yoga", "--near", "-26.2041,28.0473", "--radius", "30km", "--limit", "7"],
        ["--city", "johannesburg", "--sort", "start_time", "--limit", "10", "--min-spots", "0"],
        ["--area", "Soweto", "--limit", "5", "--sort", "start_time"],
        ["--near", "-26.1,28.05", "--type", "hiit,strength", "--difficulty", "beginner,all_levels", "--max-credits", "3", "--sort", "credits", "--limit", "6"],
        ["--bbox", "-26.4,27.8,-26.0,28.3", "--from", "2026-11-26T17:00:00+02:00", "--to", "2026-11-28T12:00:00+02:00", "--limit", "8"],
        ["box", "--near", "-26.2041,28.0473", "--radius", "50km", "--explain", "--all-gyms", "--limit", "4"],
        // A neighbourhood's centre, and the fields each word matched.
        ["yoga", "--city", "Sandton", "--radius", "20km", "--explain", "--sort", "credits", "--limit", "3"],
    ]

    @Test("answers equal the server's index, page after page by cursor", arguments: Self.queries)
    func sameAnswers(_ arguments: [String]) async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test(.live) { client in
            let server = "http://127.0.0.1:\(try #require(client.port))"
            var cursor: String?
            var pages = 0
            repeat {
                let search = try Search.parse(arguments + ["--server", server] + (cursor.map { ["--cursor", $0] } ?? []))
                let remote = try await RemoteSearch(server: try RemoteSearch.address(server)).search(try search.requestBody()).page

                // The same query asked of the index in the process, on the server's clock.
                var query = try search.localQuery(places: ServerFixture.reference.places)
                query.now = fixture.clock.now
                let local = try fixture.index.search(query)

                #expect(!remote.results.isEmpty, "\(arguments): the question finds something")
                #expect(remote.results == local.results, "\(arguments), page \(pages + 1)")
                #expect(remote.nextCursor == local.nextCursor && remote.plan == local.plan)
                #expect(try search.render(remote).contains(remote.results[0].class.name))
                cursor = remote.nextCursor
                pages += 1
            } while cursor != nil && pages < 3
            #expect(pages > 1 || arguments.contains("--explain"), "\(arguments): more than one page was followed")
        }
    }

    @Test("the server's refusals name the flag, and an unreachable server says so")
    func refusals() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test(.live) { client in
            let server = "http://127.0.0.1:\(try #require(client.port))"
            for (arguments, flag) in [
                (["--near", "-26.2,28", "--radius", "500km"], "--radius"), (["--near", "-26.2,28", "--cursor", "nonsense"], "--cursor"),
                (["--area", "Xyzzyville"], "--area"), (["yoga", "--near", "-26.2,28", "--limit", "0"], "--limit"),
                (["--near", "-26.2,28", "--tenant", "no-such-gym"], "--tenant"),
            ] {
                let search = try Search.parse(arguments + ["--server", server])
                await #expect { try await RemoteSearch(server: try RemoteSearch.address(server)).search(try search.requestBody()) } throws: { error in
                    let message = "\(error)"
                    return error is ValidationError && message.hasPrefix(flag + ":")
                }
            }
        }
        let unreachable = try Search.parse(["--near", "-26.2,28", "--server", "http://127.0.0.1:9"])
        await #expect { try await RemoteSearch(server: URL(string: "http://127.0.0.1:9")!).search(try unreachable.requestBody()) } throws: { error in
            "\(error)".hasPrefix("--server: cannot reach http://127.0.0.1:9")
        }
        for (arguments, message) in [
            (["--server", "localhost:8080"], "--server must be the server's address"),
            (["--server", "http://127.0.0.1:8080", "--dataset", "Data/demo"], "--dataset reads local data"),
            (["--server", "http://127.0.0.1:8080", "--repeat", "5"], "--repeat reads local data"),
        ] {
            #expect { try Search.parse(arguments) } throws: { "\(StudioLoop.oneLine($0))".hasPrefix(message) }
        }
    }
}
