import Foundation
import Testing
import TextSearch

/// Real spellings people type for the same class, per region, and the synonym table of
/// `Data/synonyms.tsv`: each variant finds the word a catalogue writes.
@Suite struct SpellingVariantTests {
    /// (where it is written so, as typed, as a catalogue writes it).
    static let arabic: [(String, String, String)] = [
        // Egypt: jeem for g, heh for teh marbuta, alef maqsura for final yeh, tcheh for g.
        ("Egyptian", "يوجا", "يوغا"), ("Egyptian", "بيلاتس", "بيلاتيس"), ("Egyptian", "زومبا", "زومبا"), ("Egyptian", "جيم", "غيم"),
        ("Egyptian", "چيم", "جيم"), ("Egyptian", "رياضه", "رياضة"), ("Egyptian", "ملاكمه", "ملاكمة"), ("Egyptian", "كارديو", "كارديو"),
        ("Egyptian", "سباحه", "سباحة"), ("Egyptian", "تمارينى", "تماريني"), ("Egyptian", "ايروبكس", "أيروبكس"),
        // The Maghreb: three-dotted qaf (Algeria, Tunisia), tah for a French t, ghain.
        ("Maghrebi", "يوڨا", "يوغا"), ("Maghrebi", "بيلاطس", "بيلاتس"), ("Maghrebi", "يوغا", "يوجا"), ("Maghrebi", "زومبا", "زومبا"),
        ("Maghrebi", "ملاكمة", "ملاكمه"),
        // The Levant: ghain, and the long vowel written out.
        ("Levantine", "يوغا", "يوقا"), ("Levantine", "بيلاتيس", "بيلاتس"), ("Levantine", "زومبا", "زمبا"), ("Levantine", "إحماء", "احماء"),
        // The Gulf: qaf for g, gaf and keheh from Persian keyboards, peh for p.
        ("Gulf", "يوقا", "يوغا"), ("Gulf", "يوگا", "يوغا"), ("Gulf", "بيلاتيس", "بيلاتس"), ("Gulf", "پيلاتس", "بيلاتس"),
        ("Gulf", "کارديو", "كارديو"), ("Gulf", "يُوغَا", "يوغا"), ("Gulf", "يـوغا", "يوغا"),
    ]

    @Test func arabicSpellingsFindEachOther() {
        for (region, typed, written) in Self.arabic {
            let query = TextFolding.words(in: typed), word = TextFolding.words(in: written)
            #expect(query.count == 1 && word.count == 1, "\(region): \(typed)")
            #expect(WordMatcher.match(query: query[0], word: word[0], isLastWord: false) != nil, "\(region): \(typed) finds \(written)")
        }
    }

    /// Ge'ez letters for one sound: Amharic writes ሀ, ሐ or ኀ for h, ሰ or ሠ for s, አ or ዐ for
    /// the glottal stop, ጸ or ፀ for ts' (Tigrinya keeps some apart in speech, not in search).
    @Test(arguments: [("ሀይል", "ሐይል"), ("ኀይል", "ሀይል"), ("ሰላም", "ሠላም"), ("አዲስ", "ዐዲስ"), ("ጸሐይ", "ፀሐይ"), ("ጸጋ", "ፀጋ"), ("ሃይል", "ሀይል")])
    func geezHomophonesFoldAlike(_ a: String, _ b: String) {
        #expect(TextFolding.words(in: a) == TextFolding.words(in: b))
    }

    static let table = DataDirectory.url().appending(path: "synonyms.tsv")

    @Test func everySynonymIsOneWordWithItsSource() throws {
        let rows = try SynonymTable.rows(Self.table)
        #expect(rows.count >= 80)
        #expect(Set(rows.map(\.language)).isSuperset(of: ["en", "fr", "pt", "sw", "zu", "af", "ar", "am", "ha", "yo"]))
        for row in rows { #expect(!row.source.isEmpty, "\(row.written)") }
        // One word means one concept, or the table contradicts itself.
        let twoWay = rows.filter(\.twoWay)
        for (word, concepts) in Dictionary(grouping: twoWay, by: \.folded).mapValues({ Set($0.map(\.concept)) }) {
            #expect(concepts.count == 1, "\(word) means \(concepts.sorted())")
        }
    }

    /// What people type in their language finds the catalogue's word, and back where it is two-way.
    @Test(arguments: [
        ("natation", "swimming"), ("kuogelea", "swim"), ("ukubhukuda", "swimming"), ("swem", "swimming"), ("natação", "swimming"),
        ("danse", "dance"), ("umdanso", "dance"), ("rawa", "dance"), ("ijó", "dance"), ("رقص", "dance"), ("ዳንስ", "dance"),
        ("musculation", "strength"), ("nguvu", "strength"), ("krag", "strength"), ("ƙarfi", "strength"), ("agbára", "strength"),
        ("vélo", "cycling"), ("baiskeli", "spin"), ("ibhayisikili", "cycling"), ("ndondi", "boxing"), ("isibhakela", "boxing"),
        ("ملاكمة", "boxing"), ("يوجا", "yoga"), ("ioga", "yoga"), ("ዮጋ", "yoga"), ("بيلاتس", "pilates"), ("كارديو", "cardio"),
        ("jimu", "gym"), ("ginásio", "fitness"), ("martial", "karate"), ("martiaux", "judo"), ("joga", "yoga"), ("zumba", "dance"),
    ])
    func wordsFindTheCatalogue(typed: String, catalogue: String) {
        let query = TextFolding.words(in: typed)[0], word = TextFolding.words(in: catalogue)[0]
        #expect(WordMatcher.match(query: query, word: word, isLastWord: false) != nil, "\(typed) finds \(catalogue)")
    }

    @Test func oneWayEntriesStayOneWay() {
        #expect(WordMatcher.match(query: "yoga", word: "joga", isLastWord: false) == nil)
        #expect(WordMatcher.match(query: "dance", word: "zumba", isLastWord: false) == nil)
        #expect(WordMatcher.match(query: "karate", word: "martial", isLastWord: false) == nil)
    }

    @Test func aMalformedTableIsRefusedWithItsLine() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "synonyms-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: url) }
        try "concept\tkind\twritten\tlanguage\tsource\nyoga\tsame\tpower yoga\ten\tx\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: SynonymTable.Malformed.self) { try SynonymTable.read(url) }
        do { _ = try SynonymTable.read(url) } catch { #expect("\(error)".contains(":2:")) }
    }
}
