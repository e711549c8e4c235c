import Testing
import TextSearch

@Suite struct TextIndexTests {
    @Test func postingsAndDocumentTermsAgree() {
        var builder = TextIndexBuilder(collections: 2)
        builder.add("Sunrise Yoga", field: 0, document: 0, collection: 0)
        builder.add("Gentle yoga for everyone", field: 1, document: 0, collection: 0)
        builder.add("Spin Class", field: 0, document: 2, collection: 0)
        builder.add("Yoga Shala Soweto", field: 0, document: 0, collection: 1)
        let index = builder.build()
        let yoga = index.vocabulary.id(of: "yoga")!
        let classes = index.postings[0]
        #expect(classes.range(of: yoga).map { classes.ids[$0] } == [0])
        // Found in the name (bit 0) and the description (bit 1) of class 0.
        #expect(classes.range(of: yoga).map { classes.fields[$0] } == [0b11])
        #expect(index.documentTerms[0].rowCount == 3)
        #expect(index.documentTerms[0].range(of: 1).isEmpty)
        #expect(index.postings[1].range(of: yoga).map { index.postings[1].ids[$0] } == [0])
        // Every posting appears once in the forward lists, with the same fields.
        for collection in 0..<2 {
            let inverted = index.postings[collection], forward = index.documentTerms[collection]
            var pairs: [String] = []
            for term in 0..<inverted.rowCount {
                for i in inverted.range(of: term) { pairs.append("\(inverted.ids[i]):\(term):\(inverted.fields[i])") }
            }
            var back: [String] = []
            for document in 0..<forward.rowCount {
                for i in forward.range(of: document) { back.append("\(document):\(forward.ids[i]):\(forward.fields[i])") }
            }
            #expect(pairs.sorted() == back.sorted())
        }
    }
}
