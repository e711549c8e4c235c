@testable import Booking
import Datasets
import Domain
import Testing

@Suite struct LedgerTests {
    let zar = LedgerUnit.cents(currency: "ZAR")

    @Test func unbalancedTransactionsAreRefused() {
        #expect(throws: LedgerError.unbalanced(.credits, 1)) {
            try LedgerTransaction(id: "t", kind: "x", postings: [
                Posting(.memberCredits("m", tenant: nil), 3, .credits), Posting(.creditsIssued(tenant: nil), -2, .credits),
            ], createdAt: 0)
        }
        // Balanced in credits but not in money.
        #expect(throws: LedgerError.self) {
            try LedgerTransaction(id: "t", kind: "x", postings: [
                Posting(.memberCredits("m", tenant: nil), 1, .credits), Posting(.creditsIssued(tenant: nil), -1, .credits),
                Posting(.providerClearing, 100, zar),
            ], createdAt: 0)
        }
        #expect(throws: LedgerError.empty) { try LedgerTransaction(id: "t", kind: "x", postings: [], createdAt: 0) }
    }

    @Test func marketplaceBookingAndItsRefund() throws {
        var book = LedgerBook()
        let value = Money(cents: 5_000, currency: "ZAR")
        try book.post(LedgerEntries.grantCredits(id: "buy", member: "m", tenant: nil, credits: 10, payment: Money(cents: 50_000, currency: "ZAR"), at: 1))
        let split = MarketplaceSplit(credits: 2, creditValue: value, tier: .growth)
        let booking = LedgerEntries.marketplaceBooking(id: "b1", member: "m", tenant: "gym", credits: 2, split: split, released: [split.price], at: 2)
        try book.post(booking)
        #expect(book.balance(.memberCredits("m", tenant: nil), .credits) == 8)
        #expect(book.balance(.gymPayable("gym"), zar) == -8_500)
        #expect(book.balance(.platformRevenue, zar) == -1_500)
        #expect(book.balance(.creditLiability, zar) == -40_000)
        book._checkInvariants()

        // A refund reverses every posting of the original, once.
        try book.post(booking.reversal(id: "r1", kind: "refund", at: 3))
        #expect(book.balance(.memberCredits("m", tenant: nil), .credits) == 10)
        #expect(book.balance(.gymPayable("gym"), zar) == 0)
        #expect(book.balance(.platformRevenue, zar) == 0)
        #expect(throws: LedgerError.alreadyReversed("b1")) { try book.post(booking.reversal(id: "r2", kind: "refund", at: 4)) }
        #expect(throws: LedgerError.duplicateTransaction("b1")) { try book.post(booking) }
        book._checkInvariants()
    }

    @Test func membersNeverGoNegative() throws {
        var book = LedgerBook()
        try book.post(LedgerEntries.grantCredits(id: "g", member: "m", tenant: "gym", credits: 2, payment: nil, at: 0))
        #expect(throws: LedgerError.wouldGoNegative(.memberCredits("m", tenant: "gym"), .credits)) {
            try book.post(LedgerEntries.directBooking(id: "b", member: "m", tenant: "gym", credits: 3, at: 1))
        }
        try book.post(LedgerEntries.directBooking(id: "b", member: "m", tenant: "gym", credits: 2, at: 1))
        #expect(book.balance(.memberCredits("m", tenant: "gym"), .credits) == 0)
        book._checkInvariants()
    }

    /// Random grants, bookings, refunds and expiries: every balance stays the sum of its
    /// postings, every transaction balances, and members never go below zero.
    @Test(arguments: 1...5)
    func randomHistoriesKeepTheBooksStraight(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        var book = LedgerBook()
        var bookings: [LedgerTransaction] = []
        let members = ["a", "b", "c"], tenants = ["g1", "g2"]
        for step in 0..<400 {
            let member = members[Int(rng.next() % 3)]
            let tenant: String? = rng.next() % 3 == 0 ? nil : tenants[Int(rng.next() % 2)]
            let credits = Int(rng.next() % 5) + 1
            let transaction: LedgerTransaction
            switch rng.next() % 4 {
            case 0:
                transaction = LedgerEntries.grantCredits(
                    id: "t\(step)", member: member, tenant: tenant, credits: credits,
                    payment: tenant == nil ? Money(cents: Int64(credits) * 4_000, currency: "ZAR") : nil, at: Int64(step)
                )
            case 1:
                if let tenant {
                    transaction = LedgerEntries.directBooking(id: "t\(step)", member: member, tenant: tenant, credits: credits, at: Int64(step))
                } else {
                    let split = MarketplaceSplit(credits: credits, creditValue: Money(cents: 3_333, currency: "ZAR"), tier: .starter)
                    transaction = LedgerEntries.marketplaceBooking(id: "t\(step)", member: member, tenant: "g1", credits: credits, split: split, released: [split.price], at: Int64(step))
                }
            case 2 where !bookings.isEmpty:
                transaction = bookings.remove(at: Int(rng.next() % UInt64(bookings.count))).reversal(id: "t\(step)", kind: "refund", at: Int64(step))
            default:
                transaction = LedgerEntries.expireCredits(id: "t\(step)", member: member, tenant: tenant, credits: credits, at: Int64(step))
            }
            do {
                try book.post(transaction)
                if transaction.kind.hasSuffix("booking") { bookings.append(transaction) }
            } catch LedgerError.wouldGoNegative {
                // Refused whole: nothing of it was written.
            }
            book._checkInvariants()
        }
        #expect(book.transactions.count > 100)
    }
}

/// A marketplace booking whose credits were bought in one currency at a gym paid in another
/// balances in each currency on its own, through the exchange account.
@Suite struct CrossCurrencyBookingTests {
    @Test func creditsBoughtInRandAtALagosGym() throws {
        let split = MarketplaceSplit(credits: 2, creditValue: Money(cents: 400_000, currency: "NGN"), tier: .starter)
        let booking = LedgerEntries.marketplaceBooking(
            id: "b", member: "m", tenant: "lagos", credits: 2, split: split, released: [Money(cents: 10_000, currency: "ZAR")], at: 1
        )
        func sum(_ unit: LedgerUnit) -> Int64 { booking.postings.filter { $0.unit == unit }.reduce(0) { $0 + $1.amount } }
        #expect(sum(.cents(currency: "ZAR")) == 0 && sum(.cents(currency: "NGN")) == 0 && sum(.credits) == 0)
        let fx = booking.postings.filter { $0.account == .currencyExchange }.map { Money(cents: $0.amount, currency: $0.unit.description) }
        #expect(fx == [Money(cents: -10_000, currency: "ZAR cents"), Money(cents: 800_000, currency: "NGN cents")])
        #expect(booking.postings.contains(Posting(.gymPayable("lagos"), -640_000, .cents(currency: "NGN"))))
        #expect(booking.postings.contains(Posting(.platformRevenue, -160_000, .cents(currency: "NGN"))))
    }

    @Test func creditsBoughtInTwoCurrencies() throws {
        let split = MarketplaceSplit(credits: 2, creditValue: Money(cents: 400_000, currency: "NGN"), tier: .growth)
        let booking = LedgerEntries.marketplaceBooking(
            id: "b", member: "m", tenant: "lagos", credits: 2, split: split,
            released: [Money(cents: 400_000, currency: "NGN"), Money(cents: 5_000, currency: "ZAR")], at: 1
        )
        // Only what crossed currencies passes through the exchange account.
        #expect(booking.postings.filter { $0.account == .currencyExchange }.map(\.amount).sorted() == [-5_000, 400_000])
        #expect(booking.postings.contains(Posting(.creditLiability, 400_000, .cents(currency: "NGN"))))
    }

    @Test func zeroDecimalCurrenciesPrintWhole() {
        #expect(Money(cents: 4_000, currency: "RWF").description == "RWF 4000")
        #expect(Money(cents: 4_050, currency: "ZAR").description == "ZAR 40.50")
    }
}
