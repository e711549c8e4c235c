import Booking
import Domain
import Foundation
import Hummingbird

/// Reading the dashboard's forms: what people type (a timetable as times per weekday, a price
/// in rand rather than cents, an empty box for "the default") turned into what the JSON API
/// takes, then checked by the same rules as the API.
enum DashboardForms {
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// One text box per weekday (`slots_1` … `slots_7`) holding start times such as
    /// "06:30 18:00" or "6:30, 18:00".
    static func slots(_ form: WebForm) throws -> [WeeklySlot] {
        var slots: [WeeklySlot] = []
        for weekday in 1...7 {
            let typed = form["slots_\(weekday)"] ?? ""
            for piece in typed.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }) {
                let parts = piece.replacingOccurrences(of: "h", with: ":").split(separator: ":")
                guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m), parts[1].count == 2 else {
                    throw APIError.validation("\(weekdays[weekday - 1]): '\(piece)' is not a start time such as 06:30 or 18:00")
                }
                slots.append(WeeklySlot(weekday: weekday, start: String(format: "%02d:%02d", h, m)))
            }
        }
        return try GymAdminRoutes.slots(Array(Set(slots)).sorted())
    }

    /// The timetable as the form's boxes show it: weekday → "06:30 18:00".
    static func slotFields(_ slots: [WeeklySlot], _ format: LocalFormat) -> [SlotField] {
        (1...7).map { day in
            SlotField(weekday: day, name: format.weekday(day), times: slots.filter { $0.weekday == day }.map(\.start).sorted().joined(separator: " "))
        }
    }

    struct SlotField: Sendable {
        var weekday: Int
        var name: String
        var times: String
    }

    /// "Mon 06:30, Wed 18:00".
    static func describe(_ slots: [WeeklySlot], _ format: LocalFormat) -> String {
        slots.sorted().map { "\(format.weekday($0.weekday, short: true)) \($0.start)" }.joined(separator: ", ")
    }

    /// A whole number from a box; `name` says which in the error.
    static func number(_ form: WebForm, _ field: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
        let typed = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
        guard let value = Int(typed) else { throw APIError.validation("\(name) must be a whole number (got '\(typed)')") }
        return try GymAdminRoutes.number(value, name, range)
    }

    /// An optional whole number: an empty box is nil (no limit, or the gym's default).
    static func optionalNumber(_ form: WebForm, _ field: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        let typed = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
        return typed.isEmpty ? nil : try number(form, field, name, range)
    }

    /// A price as people write it ("150", "150.00", "1 250,50") in minor units of `currency`.
    static func price(_ typed: String, currency: String) throws -> Int64 {
        var text = typed.filter { !$0.isWhitespace && $0 != "\u{00A0}" }
        if text.hasPrefix(currency) { text.removeFirst(currency.count) }
        text = text.replacingOccurrences(of: ",", with: ".")
        let zeroDecimal = Money.zeroDecimalCurrencies.contains(currency)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0, whole < 100_000_000,
            parts.count == 1 || (!zeroDecimal && (1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isNumber))
        else {
            throw APIError.validation("price must be an amount in \(currency) such as \(zeroDecimal ? "5000" : "150.00") (got '\(typed)')")
        }
        if zeroDecimal { return whole }
        let fraction = parts.count == 2 ? Int64(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0
        return whole * 100 + fraction
    }

    /// A price in the box it was typed in: "150.00", "5000".
    static func priceField(_ money: Money) -> String {
        Money.zeroDecimalCurrencies.contains(money.currency) ? String(money.cents) : String(format: "%lld.%02lld", money.cents / 100, money.cents % 100)
    }

    static func checked(_ form: WebForm, _ field: String) -> Bool { form[field] == "1" || form[field] == "on" }

    struct Choice: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    /// The options of a select, with `selected` chosen: `yoga` → "Yoga", `all_levels` → "All levels".
    static func choices(_ values: [String], selected: String?, _ words: Words) -> [Choice] {
        values.map { value in Choice(value: value, label: label(value, words), selected: value == selected) }
    }

    /// A stored value as people read it: `all_levels` → "All levels", `hiit` → "HIIT", in their language.
    static func label(_ value: String, _ words: Words) -> String {
        if value == "hiit" { return words("HIIT") }  // an acronym, not a word
        let spaced = value.replacingOccurrences(of: "_", with: " ")
        return words(spaced.prefix(1).uppercased() + spaced.dropFirst())
    }

    /// The answer to a form whose input was refused: the page again, saying why, with the 4xx
    /// status; anything else is the server's fault and goes on up.
    static func refused(_ error: any Error, _ again: (APIError) async throws -> Response) async throws -> Response {
        let problem = APIError(from: error)
        guard problem.status.code < 500 else { throw error }
        return try await again(problem)
    }
}
