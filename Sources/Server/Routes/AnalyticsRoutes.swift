import Datasets
import Domain
import Foundation
import Hummingbird
import Storage

/// A gym's analytics for its owner and admins, as JSON or as CSV for a spreadsheet.
struct AnalyticsRoutes {
    let services: ServerServices

    struct View: Encodable, Sendable {
        var from: String
        var to: String
        var analytics: GymAnalytics
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("tenants/{slug}/analytics") { request, context in
            let user = try context.requireUser()
            let slug = try context.parameters.require("slug")
            let tenant = try await services.tenantId(context)
            let parameters = request.uri.queryParameters
            let now = services.clock.now()
            func instant(_ name: String, default value: Int64) throws -> Int64 {
                guard let text = parameters[Substring(name)] else { return value }
                guard let seconds = ISO8601.parse(String(text)) else {
                    throw APIError.validation("\(name) must be an ISO 8601 date or time such as 2026-11-01")
                }
                return seconds
            }
            let from = try instant("from", default: now - 30 * 86_400)
            let to = try instant("to", default: now)
            guard from < to else { throw APIError.validation("to must be after from") }
            guard to - from <= 366 * 86_400 else { throw APIError.validation("a report covers at most 366 days") }
            let analytics = try await services.store.analytics.analytics(tenant: tenant, staff: user, from: from, to: to)
            switch parameters["format"].map(String.init) ?? "json" {
            case "json":
                return try Reply(View(from: ISO8601.format(from), to: ISO8601.format(to), analytics: analytics))
                    .response(from: request, context: context)
            case "csv":
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"\(slug)-analytics.csv\"",
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: Self.csv(analytics)))
                )
            case let other:
                throw APIError.validation("format must be json or csv (got '\(other)')")
            }
        }
    }

    /// One metric per row: `section,key,value`, so every figure of the JSON has a line.
    static func csv(_ a: GymAnalytics) -> String {
        var rows = [["section", "key", "value"]]
        rows.append(["period", "from", ISO8601.format(a.from)])
        rows.append(["period", "to", ISO8601.format(a.to)])
        rows.append(["sessions", "held", String(a.sessions)])
        rows.append(["sessions", "cancelled", String(a.cancelledSessions)])
        for (status, count) in a.bookingsByStatus.sorted(by: { $0.key < $1.key }) { rows.append(["bookings", status, String(count)]) }
        rows.append(["rates", "fill_rate", String(format: "%.4f", a.fillRate)])
        rows.append(["rates", "no_show_rate", String(format: "%.4f", a.noShowRate)])
        rows.append(["rates", "marketplace_share", String(format: "%.4f", a.marketplaceShare)])
        rows.append(["bookings", "late_cancels", String(a.lateCancels)])
        rows.append(["bookings", "marketplace", String(a.marketplaceBookings)])
        rows.append(["bookings", "direct", String(a.directBookings)])
        for line in a.money {
            rows.append(["money_\(line.currency)", "gross_cents", String(line.grossCents)])
            rows.append(["money_\(line.currency)", "commission_cents", String(line.commissionCents)])
            rows.append(["money_\(line.currency)", "payout_cents", String(line.payoutCents)])
        }
        for line in a.packSales {
            rows.append(["pack_sales_\(line.currency)", "packs_sold", String(line.packsSold)])
            rows.append(["pack_sales_\(line.currency)", "sold_cents", String(line.soldCents)])
            rows.append(["pack_sales_\(line.currency)", "refunds", String(line.refunds)])
            rows.append(["pack_sales_\(line.currency)", "refunded_cents", String(line.refundedCents)])
            rows.append(["pack_sales_\(line.currency)", "refunded_credits", String(line.refundedCredits)])
        }
        for line in a.popularClasses { rows.append(["popular_class", line.name, String(line.bookings)]) }
        for line in a.popularHours { rows.append(["popular_hour", String(format: "%02d:00", line.hour), String(line.bookings)]) }
        for line in a.weeks {
            rows.append(["week_\(line.weekStart)", "sessions", String(line.sessions)])
            rows.append(["week_\(line.weekStart)", "capacity", String(line.capacity)])
            rows.append(["week_\(line.weekStart)", "taken", String(line.taken)])
            rows.append(["week_\(line.weekStart)", "fill_rate", String(format: "%.4f", line.fillRate)])
            rows.append(["week_\(line.weekStart)", "no_show_rate", String(format: "%.4f", line.noShowRate)])
        }
        for line in a.slots {
            rows.append(["bookings_by_slot", "\(ZoneClock.weekdays[line.weekday - 1]) \(String(format: "%02d:00", line.hour))", String(line.bookings)])
        }
        for line in a.months {
            rows.append(["month_\(line.month)_\(line.currency)", "gross_cents", String(line.grossCents)])
            rows.append(["month_\(line.month)_\(line.currency)", "commission_cents", String(line.commissionCents)])
            rows.append(["month_\(line.month)_\(line.currency)", "payout_cents", String(line.payoutCents)])
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180 quoting; a leading =, +, - or @ is defused so a spreadsheet never runs it.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
