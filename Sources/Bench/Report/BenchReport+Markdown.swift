import Foundation

extension BenchReport {
    /// The run as a Markdown page: the setting, then one table per question.
    public var markdown: String {
        var out: [String] = []
        out.append("# `studioloop bench`: \(scale.title), \(date)")
        out.append("")
        out.append("Command: `\(command)`  ")
        out.append("Machine: \(machine.cores) cores (\(machine.cpu)), \(Self.gib(machine.memoryBytes)) GiB, \(machine.system)  ")
        out.append(
            "Dataset: \(Self.number(dataset.gyms)) gyms, \(Self.number(dataset.classes)) classes, \(Self.number(dataset.sessions)) sessions "
                + "over \(dataset.horizonDays) days (generated in \(Self.fixed(dataset.generateSeconds, 1)) s, seed \(BenchScale.seed))  "
        )
        var indexLine = "Index: built in \(Self.fixed(index.buildSeconds, 2)) s"
        if let bytes = index.residentBytes, let perSession = index.bytesPerSession {
            indexLine += ", \(Self.fixed(Double(bytes) / 1_048_576, 0)) MiB resident (\(Self.fixed(perSession, 0)) bytes per session)"
        }
        if let peak = index.peakResidentBytes { indexLine += ", process peak \(Self.fixed(Double(peak) / 1_048_576, 0)) MiB" }
        out.append(indexLine + "  ")
        out.append(
            "Workload: \(workload.queries) queries (\(Self.counts(workload.byText))); sorts \(Self.counts(workload.bySort)); "
                + "\(workload.needingTypoTolerance) reach a catalog word only through a typo; on average "
                + "\(Self.fixed(workload.meanGymsInRadius, 0)) gyms within a query's radius; \(workload.concurrency) worker thread(s); each query's time is its median over \(workload.rounds) timed passes"
        )
        out.append("")
        out.append("## Latency, each system on the queries it can express")
        out.append("")
        out.append("Every answer was first checked equal to brute force's (same session ids, same order).")
        out.append("")
        out.append("| system | load | queries | equal to brute force | p50 | p90 | p99 | p99.9 | queries/s | its p50 / index's | its p99 / index's |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for s in systems {
            let equal = s.mismatches == 0 ? "yes" : "**no: \(s.mismatches) differ**"
            let ratio50 = s.versusIndex.map { "\(Self.fixed($0.p50, 1))× (\(Self.ms($0.indexP50)) vs \(Self.ms($0.peerP50)))" } ?? "—"
            let ratio99 = s.versusIndex.map { "\(Self.fixed($0.p99, 1))×" } ?? "—"
            out.append(
                "| \(s.name) | \(s.loadSeconds.map { Self.fixed($0, 1) + " s" } ?? "—") | \(s.asked) | \(equal) | \(Self.ms(s.latency.p50)) | "
                    + "\(Self.ms(s.latency.p90)) | \(Self.ms(s.latency.p99)) | \(Self.ms(s.latency.p999)) | \(Self.fixed(s.queriesPerSecond, 0)) | \(ratio50) | \(ratio99) |"
            )
        }
        let limited = systems.filter { !$0.notExpressible.isEmpty }
        if !limited.isEmpty {
            out.append("")
            out.append("Queries a system cannot express with an answer equal to brute force's, reported apart and not asked:")
            out.append("")
            for s in limited {
                out.append("- \(s.name): " + s.notExpressible.sorted { $0.key < $1.key }.map { "\($0.value) need \($0.key)" }.joined(separator: "; "))
            }
        }
        for s in systems where !s.mismatchExamples.isEmpty {
            out.append("")
            out.append("Differences of \(s.name) from brute force (first \(s.mismatchExamples.count)):")
            out.append("")
            for example in s.mismatchExamples { out.append("- \(example)") }
        }

        out.append("")
        out.append("## p50 / p99 by query class")
        out.append("")
        let classes = Set(systems.flatMap(\.byClass.keys)).sorted()
        out.append("| class | " + systems.map(\.name).joined(separator: " | ") + " |")
        out.append("|---|" + systems.map { _ in "---|" }.joined())
        for label in classes {
            let cells = systems.map { s in s.byClass[label].map { "\(Self.ms($0.p50)) / \(Self.ms($0.p99)) (\($0.count))" } ?? "—" }
            out.append("| \(label) | " + cells.joined(separator: " | ") + " |")
        }

        if let parts = index.byPart, dataset.sessions > 0 {
            let total = parts.reduce(0) { $0 + $1.bytes }
            out.append("")
            out.append("## Index memory by part")
            out.append("")
            out.append(
                "Counted from the index's structures (arrays by capacity, strings past 15 bytes, as glibc allocates them): "
                    + "\(Self.fixed(Double(total) / 1_048_576, 0)) MiB, \(Self.fixed(Double(total) / Double(dataset.sessions), 0)) bytes per session."
            )
            out.append("")
            out.append("| part | MiB | bytes per session |")
            out.append("|---|---|---|")
            for part in parts {
                out.append("| \(part.part) | \(Self.fixed(Double(part.bytes) / 1_048_576, 1)) | \(Self.fixed(Double(part.bytes) / Double(dataset.sessions), 1)) |")
            }
        }

        if !slowest.isEmpty {
            out.append("")
            out.append("## The index's slowest queries")
            out.append("")
            out.append("Each also timed with every plan forced (median of three), with what it visited (classes, or sessions for the walk): geographic / text / sessions.")
            out.append("")
            out.append("| query | what | time | results | plan | forced: geographic / text / sessions |")
            out.append("|---|---|---|---|---|---|")
            for q in slowest {
                let forced = q.forced.map { times in
                    ["geographic", "text", "sessions"].map { plan in
                        times[plan].map { Self.ms($0) + (q.forcedVisited?[plan].map { " (\(Self.number($0)))" } ?? "") } ?? "—"
                    }.joined(separator: " / ")
                } ?? "—"
                out.append("| \(q.number) | \(q.description) | \(Self.ms(q.microseconds)) | \(q.results) | \(q.plan) | \(forced) |")
            }
        }
        if let spot = spotUpdates {
            out.append("")
            out.append("## Spot updates while searching")
            out.append("")
            out.append(
                "One thread applied \(Self.number(Int(spot.updatesPerSecond))) spot updates a second to the index for "
                    + "\(Self.fixed(spot.seconds, 1)) s while another ran the workload: search p50 \(Self.ms(spot.searchDuring.p50)), "
                    + "p99 \(Self.ms(spot.searchDuring.p99)) (alone just before: \(Self.ms(spot.searchAlone.p50)), \(Self.ms(spot.searchAlone.p99)))."
            )
        }
        if let day = dayOfRolls, let fresh = systems.first?.latency {
            out.append("")
            out.append("## Search after a day of hourly rolls and edits")
            out.append("")
            out.append(
                "A second index lived through \(day.hours) hourly rolls (every gym reloaded in one batch) with \(day.editsPerHour) edits of "
                    + "\(day.gymsPerEdit) gyms between each (\(Self.fixed(day.replaySeconds, 1)) s), leaving \(day.segments) segments and "
                    + "\(Self.number(day.deadGyms)) dead gyms; compacting it took \(Self.fixed(day.compactionSeconds, 2)) s. Answers that differed "
                    + "from brute force: \(day.livedInMismatches) lived-in, \(day.compactedMismatches) compacted."
            )
            out.append("")
            out.append("| index | p50 | p99 | p50 / fresh | p99 / fresh |")
            out.append("|---|---|---|---|---|")
            for (name, latency) in [("fresh (above)", fresh), ("after the day", day.livedIn), ("after the day, compacted", day.compacted), ("fresh, timed again last", day.freshAgain)] {
                out.append(
                    "| \(name) | \(Self.ms(latency.p50)) | \(Self.ms(latency.p99)) | \(Self.fixed(latency.p50 / max(fresh.p50, 0.001), 2))× | "
                        + "\(Self.fixed(latency.p99 / max(fresh.p99, 0.001), 2))× |"
                )
            }
        }
        if !spatial.isEmpty {
            out.append("")
            out.append("## The spatial part alone: R-tree against GEOS STRtree")
            out.append("")
            out.append("| operation | queries × 3 | equal | R-tree p50 | R-tree p99 | GEOS p50 | GEOS p99 | GEOS p50 / R-tree's |")
            out.append("|---|---|---|---|---|---|---|---|")
            for s in spatial {
                out.append(
                    "| \(s.operation) | \(s.queries) | \(s.equal ? "yes" : "**no**") | \(Self.ms(s.rtree.p50)) | \(Self.ms(s.rtree.p99)) | "
                        + "\(Self.ms(s.geos.p50)) | \(Self.ms(s.geos.p99)) | \(Self.fixed(s.geos.p50 / max(s.rtree.p50, 0.001), 1))× |"
                )
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Microseconds as milliseconds, three decimals.
    static func ms(_ micros: Double) -> String { String(format: "%.3f ms", micros / 1000) }
    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    static func gib(_ bytes: UInt64) -> String { String(format: "%.0f", Double(bytes) / 1_073_741_824) }
    static func number(_ n: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = ","
        return formatter.string(from: NSNumber(value: n)) ?? "\(n)"
    }
    static func counts(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}
