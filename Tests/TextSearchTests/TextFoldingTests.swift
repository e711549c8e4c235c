import Testing
import TextSearch

@Suite struct TextFoldingTests {
    @Test(arguments: ["Pilátes", "PILATES", "ｐｉｌａｔｅｓ", "pilates", "Pilates!", "PİLATES", "Pila\u{0301}tes"])
    func latinVariantsFoldAlike(_ text: String) {
        #expect(TextFolding.words(in: text) == ["pilates"])
    }

    @Test func accentsAndLigaturesAcrossLanguages() {
        #expect(TextFolding.words(in: "Vélo en Salle") == ["velo", "en", "salle"])
        #expect(TextFolding.words(in: "Natação Hidroginástica") == ["natacao", "hidroginastica"])
        #expect(TextFolding.words(in: "Straße Ñandú Øresund Łódź") == ["strasse", "nandu", "oresund", "lodz"])
        #expect(TextFolding.words(in: "Ṣẹ̀gun Àjàyí") == ["segun", "ajayi"])
        #expect(TextFolding.words(in: "Aïcha Lefèvre") == ["aicha", "lefevre"])
    }

    @Test func arabicFindsItsLatinName() {
        // فاس is Fes; its GeoNames alternate names carry the Arabic, folded to the same word.
        #expect(TextFolding.words(in: "فاس") == ["fas"])
        #expect(!TextFolding.words(in: "الدار البيضاء").isEmpty)
    }

    @Test(arguments: ["ادارة", "إدارة", "أدارة", "آدارة", "إِدَارَةٌ", "اداـــرة"])
    func arabicHamzaTashkeelAndTatweelFoldAway(_ text: String) {
        // With and without hamza on the alef, with tashkeel, stretched by tatweel: one word.
        #expect(TextFolding.words(in: text) == TextFolding.words(in: "ادارة"))
    }

    @Test func arabicYehAndWawForms() {
        #expect(TextFolding.words(in: "مسؤول") == TextFolding.words(in: "مسوول"))
        #expect(TextFolding.words(in: "مستشفى") == TextFolding.words(in: "مستشفي"))
    }

    /// Yoga as it is written across the Arabic-speaking cities: the borrowed g is jeem in Egypt,
    /// qaf in the Gulf and Sudan, three-dotted qaf in Algeria and Tunisia, gaf in Persian script,
    /// ghain in the Levant and Morocco.
    @Test(arguments: ["يوجا", "يوقا", "يوڨا", "یوگا", "يوغا", "يُوجَا"])
    func arabicLettersForGFoldAlike(_ text: String) {
        #expect(TextFolding.words(in: text) == TextFolding.words(in: "يوغا"))
        #expect(TextFolding.words(in: "زومبا") != TextFolding.words(in: text))
    }

    @Test func namesKeepTheirOwnSpellingForSlugs() {
        // A gym's web address is made from its name as written: "liyaqa", not search's "liyagha".
        #expect(TextFolding.nameWords(in: "صالة لياقة") != TextFolding.words(in: "صالة لياقة"))
        #expect(TextFolding.nameWords(in: "Pilátes Studio") == TextFolding.words(in: "Pilátes Studio"))
    }

    @Test func arabicBorrowedLettersAndPersianForms() {
        #expect(TextFolding.words(in: "ڤيتنس") == TextFolding.words(in: "فيتنس"), "veh is a v written as feh")
        #expect(TextFolding.words(in: "کيک") == TextFolding.words(in: "كيك"), "keheh is kaf")
        #expect(TextFolding.words(in: "بيلاتيس") != TextFolding.words(in: "ملاكمة"))
    }

    @Test func amharicGeezTransliterates() {
        #expect(TextFolding.words(in: "ዮጋ") == ["yoga"])
        #expect(TextFolding.words(in: "የጠዋት ዮጋ").count == 2)
        #expect(TextFolding.words(in: "አዲስ አበባ").count == 2)
    }

    @Test func cyrillicTransliterates() {
        #expect(TextFolding.words(in: "Йога") == ["joga"])
        #expect(TextFolding.words(in: "ЙОГА") == ["joga"])
        #expect(TextFolding.words(in: "Луанда") == ["luanda"])
    }

    @Test func wordBreakingDropsPunctuationAndSplitsJoinedWords() {
        #expect(TextFolding.words(in: "Strength & Conditioning") == ["strength", "conditioning"])
        #expect(TextFolding.words(in: "Brazilian Jiu-Jitsu") == ["brazilian", "jiu", "jitsu"])
        #expect(TextFolding.words(in: "Lang'ata, Nairobi.") == ["lang", "ata", "nairobi"])
        #expect(TextFolding.words(in: "  \n\t ").isEmpty)
        #expect(TextFolding.words(in: "").isEmpty)
        // Han has no spaces: ICU's dictionary breaks it, transliteration gives syllables.
        #expect(TextFolding.words(in: "罗安达") == ["luo", "an", "da"])
    }

    @Test func asciiFastPathAgreesWithICU() {
        // The same words through ICU (a non-ASCII character forces that path) and without.
        for text in ["Sunrise Yoga 6am", "Don't stop: HIIT-30!", "Rhythm Ride_2", "Cape Town CBD"] {
            #expect(TextFolding.words(in: text + " é").dropLast() == TextFolding.words(in: text)[...])
        }
    }
}
