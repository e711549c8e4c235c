import Testing
import TextSearch

@Suite struct TextFoldingTests {
    @Test(arguments: ["Pilátes", "PILATES", "ｐｉｌａｔｅｓ", "pilates", "Pilates!", "PİLATES"])
    func latinVariantsFoldAlike(_ text: String) {
        #expect(TextFolding.words(in: text) == ["pilates"])
    }

    @Test func probe() {
        for s in ["فاس", "إدارة", "ادارة", "إِدَارَة", "اداـــرة", "ጂም ዮጋ", "Йога класс", "Straße Ñandú", "罗安达", "Ke'Ba 3.5km", "الدار البيضاء", "Łódź Øresund", "Ṣẹ̀gun Àjàyí"] {
            print(s, "->", TextFolding.words(in: s))
        }
    }
}
