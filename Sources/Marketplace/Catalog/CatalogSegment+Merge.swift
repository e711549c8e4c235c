import Geo
import TextSearch

extension CatalogSegment {
    /// One segment holding the live gyms of `segments` (each without its `dead` gyms), in order,
    /// with their spots as they are now. Built from the segments' own entries and postings:
    /// nothing is folded again and no record of the gyms is needed, so merging small segments
    /// and compacting the whole index cost a copy, not a build.
    convenience init(merging segments: [CatalogSegment], dead: [Set<Int32>]) {
        precondition(segments.count == dead.count)
        var gyms: [GymEntry] = [], classes: [ClassEntry] = [], places: [PlaceEntry] = []
        var starts: [Int64] = [], spots: [Int32] = []
        var placeGymEntries: [(row: UInt32, id: UInt32, fields: UInt8)] = []
        // Per segment and text collection: old document → new (-1: gone), ascending where kept.
        var documents: [[[Int32]]] = []
        var placeIndex: [Int: Int32] = [:]

        for (s, segment) in segments.enumerated() {
            let live = segment.gyms.indices.filter { !dead[s].contains(Int32($0)) }
            // A place stays while a live gym is in it; a place met in an earlier segment keeps
            // that segment's entry and text (the same place, the same names).
            var placeMap = [Int32](repeating: -1, count: segment.places.count)
            var placeText = [Int32](repeating: -1, count: segment.places.count)
            for g in live where segment.gyms[g].place >= 0 { placeMap[Int(segment.gyms[g].place)] = 0 }
            for p in segment.places.indices where placeMap[p] == 0 {
                if let known = placeIndex[segment.places[p].id] {
                    placeMap[p] = known
                } else {
                    placeMap[p] = Int32(places.count)
                    placeText[p] = placeMap[p]
                    placeIndex[segment.places[p].id] = placeMap[p]
                    places.append(segment.places[p])
                }
            }
            var gymMap = [Int32](repeating: -1, count: segment.gyms.count)
            var classMap = [Int32](repeating: -1, count: segment.classes.count)
            for g in live {
                var gym = segment.gyms[g]
                let newGym = Int32(gyms.count)
                gymMap[g] = newGym
                let firstClass = Int32(classes.count)
                for c in gym.classes {
                    var entry = segment.classes[Int(c)]
                    classMap[Int(c)] = Int32(classes.count)
                    let firstSession = Int32(starts.count)
                    for session in entry.sessions {
                        starts.append(segment.sessionStarts[Int(session)])
                        spots.append(segment.spots[Int(session)])
                    }
                    entry.gym = newGym
                    entry.sessions = firstSession..<Int32(starts.count)
                    classes.append(entry)
                }
                gym.classes = firstClass..<Int32(classes.count)
                if gym.place >= 0 {
                    gym.place = placeMap[Int(gym.place)]
                    placeGymEntries.append((UInt32(gym.place), UInt32(newGym), 1))
                }
                gyms.append(gym)
            }
            var byCollection = [[Int32]](repeating: [], count: TextCollection.allCases.count)
            byCollection[TextCollection.classes.rawValue] = classMap
            byCollection[TextCollection.gyms.rawValue] = gymMap
            byCollection[TextCollection.places.rawValue] = placeText
            documents.append(byCollection)
        }

        let text = Self.mergeText(segments.map(\.text), documents: documents, counts: [classes.count, gyms.count, places.count])
        self.init(
            gyms: gyms, classes: classes, places: places, placeGyms: PostingLists(rowCount: places.count, entries: placeGymEntries),
            sessionStarts: starts, spots: spots, tree: RTree(points: gyms.map(\.coordinate)), text: text
        )
    }

    /// Copies again the spots of the sessions this segment was merged from (the same segments
    /// and dead gyms, walked in the same order), for bookings made while the merge copied them.
    func copySpots(from segments: [CatalogSegment], dead: [Set<Int32>]) {
        var next = 0
        for (s, segment) in segments.enumerated() {
            for g in segment.gyms.indices where !dead[s].contains(Int32(g)) {
                for c in segment.gyms[g].classes {
                    for session in segment.classes[Int(c)].sessions {
                        spots.store(segment.spots[Int(session)], at: next)
                        next += 1
                    }
                }
            }
        }
        precondition(next == spots.count, "merged from other segments")
    }

    /// The text indexes of several segments as one: the union of their words that some kept
    /// document still holds, each word's postings concatenated in segment order. Kept
    /// documents are numbered in segment order and ascending within one, so every row stays
    /// sorted without a sort.
    private static func mergeText(_ parts: [TextIndex], documents: [[[Int32]]], counts: [Int]) -> TextIndex {
        let collections = counts.count
        let union = Vocabulary(terms: Array(Set(parts.flatMap(\.vocabulary.terms))))
        var unionId: [String: Int32] = [:]
        unionId.reserveCapacity(union.count)
        for (id, term) in union.terms.enumerated() { unionId[term] = Int32(id) }
        let termMaps = parts.map { $0.vocabulary.terms.map { unionId[$0]! } }

        // Postings by union word, then the words no kept document holds are dropped.
        var offsets = [[UInt32]](repeating: [0], count: collections)
        var ids = [[UInt32]](repeating: [], count: collections)
        var fields = [[UInt8]](repeating: [], count: collections)
        var cursors = [Int](repeating: 0, count: parts.count)
        var finalId = [Int32](repeating: -1, count: union.count)
        var kept: [String] = []
        for u in 0..<union.count {
            var rowLengths = ids.map(\.count)
            for (s, part) in parts.enumerated() where cursors[s] < termMaps[s].count && termMaps[s][cursors[s]] == Int32(u) {
                let old = cursors[s]
                cursors[s] += 1
                for c in 0..<collections {
                    let lists = part.postings[c], map = documents[s][c]
                    for i in lists.range(of: old) where map[Int(lists.ids[i])] >= 0 {
                        ids[c].append(UInt32(map[Int(lists.ids[i])]))
                        fields[c].append(lists.fields[i])
                    }
                }
            }
            guard (0..<collections).contains(where: { ids[$0].count > rowLengths[$0] }) else { continue }
            finalId[u] = Int32(kept.count)
            kept.append(union.terms[u])
            for c in 0..<collections {
                rowLengths[c] = ids[c].count
                offsets[c].append(UInt32(rowLengths[c]))
            }
        }
        let postings = (0..<collections).map { PostingLists(offsets: offsets[$0], ids: ids[$0], fields: fields[$0]) }

        // Each kept document's words, in the new numbering.
        var documentTerms: [PostingLists] = []
        for c in 0..<collections {
            var rowOffsets: [UInt32] = [0], rowIds: [UInt32] = [], rowFields: [UInt8] = []
            rowOffsets.reserveCapacity(counts[c] + 1)
            for (s, part) in parts.enumerated() {
                let lists = part.documentTerms[c], map = documents[s][c]
                for old in 0..<lists.rowCount where map[old] >= 0 {
                    assert(Int(map[old]) == rowOffsets.count - 1, "kept documents are numbered in order")
                    for i in lists.range(of: old) {
                        rowIds.append(UInt32(finalId[Int(termMaps[s][Int(lists.ids[i])])]))
                        rowFields.append(lists.fields[i])
                    }
                    rowOffsets.append(UInt32(rowIds.count))
                }
            }
            precondition(rowOffsets.count == counts[c] + 1, "every kept document has a row, words or not")
            documentTerms.append(PostingLists(offsets: rowOffsets, ids: rowIds, fields: rowFields))
        }
        return TextIndex(vocabulary: Vocabulary(sortedTerms: kept)!, postings: postings, documentTerms: documentTerms)
    }
}
