import Booking
import Foundation

/// Times, numbers and money written the way the visitor's locale writes them: "Fri 4 Dec
/// 18:00" in English, "ven. 4 déc. 18:00" in French, "الجمعة، ٤ ديسمبر ٦:٠٠ م" in Egyptian
/// Arabic. Times are always on the gym's clock (its zone), never the server's.
struct LocalFormat: Sendable {
    let locale: Locale
    /// Whether the locale keeps a 24-hour clock, read once.
    private let twentyFourHours: Bool

    init(locale: Locale) {
        self.locale = locale
        twentyFourHours = [.zeroToTwentyThree, .oneToTwentyFour].contains(locale.hourCycle)
    }
    private static let gregorian = Calendar(identifier: .gregorian)

    private func style(_ zone: TimeZone) -> Date.FormatStyle {
        Date.FormatStyle(date: .omitted, time: .omitted, locale: locale, calendar: Self.gregorian, timeZone: zone)
    }

    private static func date(_ utcSeconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(utcSeconds)) }

    /// "Fri 4 Dec".
    func day(_ utcSeconds: Int64, _ zone: TimeZone) -> String {
        Self.date(utcSeconds).formatted(style(zone).weekday(.abbreviated).day().month(.abbreviated))
    }

    /// "Friday 4 December 2026", a page's heading.
    func longDay(_ utcSeconds: Int64, _ zone: TimeZone) -> String {
        Self.date(utcSeconds).formatted(style(zone).weekday(.wide).day().month(.wide).year())
    }

    /// "06:30" on a 24-hour clock (as a timetable writes it), "6:30 AM" where the locale keeps a
    /// 12-hour one. Foundation's `.shortened` drops the 24-hour clock's leading zero.
    func time(_ utcSeconds: Int64, _ zone: TimeZone) -> String {
        let hour: Date.FormatStyle.Symbol.Hour = twentyFourHours ? .twoDigits(amPM: .omitted) : .defaultDigits(amPM: .abbreviated)
        return Self.date(utcSeconds).formatted(style(zone).hour(hour).minute(.twoDigits))
    }

    /// "Fri 4 Dec 18:00".
    func dayAndTime(_ utcSeconds: Int64, _ zone: TimeZone) -> String { day(utcSeconds, zone) + " " + time(utcSeconds, zone) }

    /// "4 Dec", a chart's axis.
    func shortDate(_ utcSeconds: Int64, _ zone: TimeZone) -> String {
        Self.date(utcSeconds).formatted(style(zone).day().month(.abbreviated))
    }

    /// "Dec 2026", a month's row.
    func month(year: Int, month: Int) -> String {
        let components = DateComponents(calendar: Self.gregorian, timeZone: .gmt, year: year, month: month, day: 15)
        return (components.date ?? Date()).formatted(style(.gmt).month(.abbreviated).year())
    }

    /// The weekday's name, Monday being 1: "Monday", or "Mon" short.
    func weekday(_ weekday: Int, short: Bool = false) -> String {
        // 2024-01-01 was a Monday.
        let monday: Int64 = 1_704_110_400
        return Self.date(monday + Int64(weekday - 1) * 86_400).formatted(style(.gmt).weekday(short ? .abbreviated : .wide))
    }

    func number(_ n: Int) -> String { n.formatted(.number.locale(locale)) }
    func number(_ n: Int64) -> String { n.formatted(.number.locale(locale)) }

    /// One decimal: "2.4", "2,4", "٢٫٤".
    func decimal(_ x: Double) -> String { x.formatted(.number.precision(.fractionLength(1)).locale(locale)) }

    /// A rate in 0...1 as a whole percentage: "83%", "83 %", "٨٣٪".
    func percent(_ rate: Double) -> String { rate.formatted(.percent.precision(.fractionLength(0)).locale(locale)) }

    /// An amount in its currency, with the currency's own minor unit: "R 120,00", "EGP 150.00".
    func money(_ money: Money) -> String {
        let exponent = Money.zeroDecimalCurrencies.contains(money.currency) ? 0 : 2
        let amount = Decimal(money.cents) / pow(Decimal(10), exponent)
        return amount.formatted(.currency(code: money.currency).precision(.fractionLength(exponent)).locale(locale))
    }
}
