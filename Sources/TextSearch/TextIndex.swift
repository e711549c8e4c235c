/// An inverted index over several collections of documents that share one vocabulary (the
/// marketplace indexes classes, gyms and places side by side). Each document's text is folded
/// into words by `TextFolding`; each word remembers which fields of the document held it.
public struct TextIndex: Sendable {
    public let vocabulary: Vocabulary
    /// Per collection: term id → documents.
    public let postings: [PostingLists]
    /// Per collection: document → term ids, to test one document against a query.
    public let documentTerms: [PostingLists]

    public init(vocabulary: Vocabulary, postings: [PostingLists], documentTerms: [PostingLists]) {
        self.vocabulary = vocabulary
        self.postings = postings
        self.documentTerms = documentTerms
    }
}

/// Collects documents' text and builds a `TextIndex`.
public struct TextIndexBuilder {
    private var termIds: [String: UInt32] = [:]
    private var terms: [String] = []
    private var entries: [[(row: UInt32, id: UInt32, fields: UInt8)]]
    private var documentCounts: [Int]
    /// Catalog text repeats (class names, descriptions, places): fold each distinct text once.
    private var folded: [String: [UInt32]] = [:]

    public init(collections: Int) {
        entries = Array(repeating: [], count: collections)
        documentCounts = Array(repeating: 0, count: collections)
    }

    /// Indexes the words of `text` for `document` of `collection`, in field `field` (0–7).
    public mutating func add(_ text: String, field: Int, document: Int, collection: Int) {
        precondition((0..<8).contains(field), "fields are bits 0 through 7")
        let ids: [UInt32]
        if let known = folded[text] {
            ids = known
        } else {
            ids = TextFolding.words(in: text).map { termId($0) }
            folded[text] = ids
        }
        documentCounts[collection] = max(documentCounts[collection], document + 1)
        for term in ids { entries[collection].append((term, UInt32(document), 1 << UInt8(field))) }
    }

    /// Makes sure `collection` has at least `count` documents, even if the last have no text.
    public mutating func reserveDocuments(_ count: Int, collection: Int) {
        documentCounts[collection] = max(documentCounts[collection], count)
    }

    private mutating func termId(_ word: String) -> UInt32 {
        if let id = termIds[word] { return id }
        let id = UInt32(terms.count)
        termIds[word] = id
        terms.append(word)
        return id
    }

    public func build() -> TextIndex {
        let vocabulary = Vocabulary(terms: terms)
        // Builder ids are in order of first sight; the vocabulary's are sorted.
        var sortedId = [UInt32](repeating: 0, count: terms.count)
        for (newId, term) in vocabulary.terms.enumerated() { sortedId[Int(termIds[term]!)] = UInt32(newId) }
        var postings: [PostingLists] = [], documentTerms: [PostingLists] = []
        for (collection, list) in entries.enumerated() {
            let inverted = PostingLists(rowCount: terms.count, entries: list.map { (sortedId[Int($0.row)], $0.id, $0.fields) })
            postings.append(inverted)
            documentTerms.append(inverted.transposed(rowCount: documentCounts[collection]))
        }
        return TextIndex(vocabulary: vocabulary, postings: postings, documentTerms: documentTerms)
    }
}
