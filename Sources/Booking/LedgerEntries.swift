/// The transactions each money or credit movement writes. Signs follow debit-positive
/// bookkeeping: what an account holds is positive (a member's credits, money received); what it
/// owes or earned is negative (credit liability, revenue, a gym's payable).
public enum LedgerEntries {
    /// Credits bought or granted: issued from the gym's (or the universal) pool to the member.
    public static func grantCredits(
        id: String, member: String, tenant: String?, credits: Int, payment: Money?, at time: Int64
    ) -> LedgerTransaction {
        var postings = [
            Posting(.memberCredits(member, tenant: tenant), Int64(credits), .credits),
            Posting(.creditsIssued(tenant: tenant), -Int64(credits), .credits),
        ]
        if let payment, payment.cents > 0 {
            postings += [
                Posting(.providerClearing, payment.cents, .cents(currency: payment.currency)),
                Posting(.creditLiability, -payment.cents, .cents(currency: payment.currency)),
            ]
        }
        return balanced(id: id, kind: "credits", postings: postings, at: time)
    }

    /// Credits a gym gave a member for nothing (a complimentary class, a make-good).
    public static func complimentaryCredits(id: String, member: String, tenant: String, credits: Int, at time: Int64) -> LedgerTransaction {
        balanced(id: id, kind: "complimentary", postings: [
            Posting(.memberCredits(member, tenant: tenant), Int64(credits), .credits),
            Posting(.creditsIssued(tenant: tenant), -Int64(credits), .credits),
        ], at: time)
    }

    /// A purchase's unused credits, taken back from the member when they ask for a refund.
    public static func refundCredits(id: String, member: String, tenant: String?, credits: Int, at time: Int64) -> LedgerTransaction {
        balanced(id: id, kind: "refund_credits", postings: [
            Posting(.memberCredits(member, tenant: tenant), -Int64(credits), .credits),
            Posting(.creditsIssued(tenant: tenant), Int64(credits), .credits),
        ], at: time)
    }

    /// The money of a refund the provider confirmed: it leaves the provider's clearing account
    /// and the credit liability it stood for.
    public static func refundPayment(id: String, amount: Money, at time: Int64) -> LedgerTransaction {
        let unit = LedgerUnit.cents(currency: amount.currency)
        return balanced(id: id, kind: "refund", postings: [
            Posting(.creditLiability, amount.cents, unit),
            Posting(.providerClearing, -amount.cents, unit),
        ], at: time)
    }

    /// A direct booking at a gym, paid with that gym's credits.
    public static func directBooking(id: String, member: String, tenant: String, credits: Int, at time: Int64) -> LedgerTransaction {
        balanced(id: id, kind: "booking", postings: [
            Posting(.memberCredits(member, tenant: tenant), -Int64(credits), .credits),
            Posting(.creditsRedeemed(tenant: tenant), Int64(credits), .credits),
        ], at: time)
    }

    /// A marketplace booking paid with universal credits: the credits are redeemed; the money
    /// they stood for (`released`, in each currency they were bought in) leaves the credit
    /// liability, and the booking's price in the gym's currency becomes platform commission and
    /// gym payout. Value that crosses currencies passes through the exchange account, balanced in
    /// each currency on its own.
    public static func marketplaceBooking(
        id: String, member: String, tenant: String, credits: Int, split: MarketplaceSplit, released: [Money], at time: Int64
    ) -> LedgerTransaction {
        let gymCurrency = split.price.currency
        var postings = [
            Posting(.memberCredits(member, tenant: nil), -Int64(credits), .credits),
            Posting(.creditsRedeemed(tenant: tenant), Int64(credits), .credits),
        ]
        var releasedInGymCurrency: Int64 = 0
        for money in released where money.cents > 0 {
            postings.append(Posting(.creditLiability, money.cents, .cents(currency: money.currency)))
            if money.currency == gymCurrency {
                releasedInGymCurrency += money.cents
            } else {
                postings.append(Posting(.currencyExchange, -money.cents, .cents(currency: money.currency)))
            }
        }
        let unit = LedgerUnit.cents(currency: gymCurrency)
        let exchanged = split.price.cents - releasedInGymCurrency
        if exchanged != 0 { postings.append(Posting(.currencyExchange, exchanged, unit)) }
        if split.commission.cents > 0 { postings.append(Posting(.platformRevenue, -split.commission.cents, unit)) }
        if split.payout.cents > 0 { postings.append(Posting(.gymPayable(tenant), -split.payout.cents, unit)) }
        return balanced(id: id, kind: "marketplace_booking", postings: postings, at: time)
    }

    /// A payout: what the gym was owed leaves its payable for its paid account.
    public static func payout(id: String, tenant: String, amount: Money, at time: Int64) -> LedgerTransaction {
        let unit = LedgerUnit.cents(currency: amount.currency)
        return balanced(id: id, kind: "payout", postings: [
            Posting(.gymPayable(tenant), amount.cents, unit),
            Posting(.gymPaid(tenant), -amount.cents, unit),
        ], at: time)
    }

    /// Unspent credits that expired, removed from the member.
    public static func expireCredits(id: String, member: String, tenant: String?, credits: Int, at time: Int64) -> LedgerTransaction {
        balanced(id: id, kind: "expiry", postings: [
            Posting(.memberCredits(member, tenant: tenant), -Int64(credits), .credits),
            Posting(.creditsExpired(tenant: tenant), Int64(credits), .credits),
        ], at: time)
    }

    private static func balanced(id: String, kind: String, postings: [Posting], at time: Int64) -> LedgerTransaction {
        precondition(postings.allSatisfy { $0.amount != 0 }, "callers validate amounts: a movement moves something")
        // Every builder above pairs each amount with its opposite, so this cannot throw.
        return try! LedgerTransaction(id: id, kind: kind, postings: postings, createdAt: time)
    }
}
