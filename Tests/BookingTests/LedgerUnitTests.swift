import Booking
import Testing

@Suite struct LedgerUnitTests {
    @Test func unitsReadBackWhatTheyWrite() {
        for unit in [LedgerUnit.credits, .cents(currency: "ZAR"), .cents(currency: "NGN")] {
            #expect(LedgerUnit(unit.description) == unit)
        }
        #expect(LedgerUnit("cents") == nil)
        #expect(LedgerUnit("dollars") == nil)
    }
}
