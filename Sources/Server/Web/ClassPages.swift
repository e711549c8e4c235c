import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The dashboard's classes: the gym's classes with their weekly timetables, a new class, and a
/// class changed (its details, its timetable as start times per weekday, retiring it). A
/// timetable change adds and removes the coming sessions as the JSON API's does, and says so.
struct ClassPages {
    let services: ServerServices
    var dashboard: DashboardPages { DashboardPages(services: services) }
    var pages: WebPages { get throws { try WebRoutes.installed.get() } }

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "dashboard/{slug}/classes") { request, context, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            let query = request.uri.queryParameters
            return try await listPage(desk, form: nil, added: query["added"].flatMap { Int($0) }, opened: query["opened"] != nil)
        }
        handlers.action(router, "dashboard/{slug}/classes") { request, context, form, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            do {
                let body = try GymAdminRoutes.NewClass(
                    name: form["name"] ?? "", description: form["description"], classType: form["class_type"] ?? "",
                    difficultyLevel: form["difficulty_level"], durationMinutes: DashboardForms.number(form, "duration_minutes", "duration", 5...480),
                    maxCapacity: DashboardForms.number(form, "max_capacity", "capacity", 1...500),
                    creditsRequired: DashboardForms.number(form, "credits_required", "credits", 0...100), equipmentNeeded: nil,
                    instructorId: form["instructor_id"].flatMap { $0.isEmpty ? nil : $0 }, weeklySlots: try DashboardForms.slots(form)
                )
                let fitnessClass = try GymAdminRoutes(services: services).newClass(body, tenant: desk.tenant)
                let now = services.clock.now()
                let added = try await services.store.catalog.createClass(
                    fitnessClass, staff: desk.user, until: now + Int64(services.horizonDays) * 86_400, now: now
                )
                return MemberPages.redirect("/dashboard/\(desk.slug)/classes?added=\(added)#class-\(fitnessClass.id)")
            } catch {
                return try await DashboardForms.refused(error) { try await listPage(desk, form: form, error: desk.words.message($0.message), status: $0.status) }
            }
        }
        handlers.page(router, .get, "dashboard/{slug}/classes/{class_id}") { request, context, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            let query = request.uri.queryParameters
            let change = query["saved"] == nil ? nil : Saved(
                added: query["added"].flatMap { Int($0) } ?? 0, removed: query["removed"].flatMap { Int($0) } ?? 0,
                kept: query["kept"].flatMap { Int($0) } ?? 0, cancelled: query["cancelled"].flatMap { Int($0) } ?? 0
            )
            return try await editPage(desk, classId: try context.parameters.require("class_id"), form: nil, saved: change)
        }
        handlers.action(router, "dashboard/{slug}/classes/{class_id}") { request, context, form, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            let id = try context.parameters.require("class_id")
            do {
                let now = services.clock.now()
                let change = try await services.store.catalog.updateClass(
                    id: id, tenant: desk.tenant, staff: desk.user, changes: try changes(form), until: now + Int64(services.horizonDays) * 86_400, now: now
                )
                let counts = "added=\(change.sessionsAdded)&removed=\(change.sessionsRemoved)&kept=\(change.bookedSessionsKept.count)"
                    + "&cancelled=\(change.bookedSessionsCancelled.count)"
                return MemberPages.redirect("/dashboard/\(desk.slug)/classes/\(id)?saved=1&\(counts)")
            } catch {
                return try await DashboardForms.refused(error) { try await editPage(desk, classId: id, form: form, error: desk.words.message($0.message), status: $0.status) }
            }
        }
    }

    /// The changes a class's form asks for: every field it shows, as it now reads.
    private func changes(_ form: WebForm) throws -> ClassChanges {
        var changes = ClassChanges(isActive: DashboardForms.checked(form, "is_active"))
        changes.name = try GymAdminRoutes.text(form["name"] ?? "", "name", 1...120)
        changes.description = try GymAdminRoutes.text(form["description"] ?? "", "description", 0...2_000, multiline: true)
        changes.classType = try GymAdminRoutes.classType(form["class_type"] ?? "")
        changes.difficulty = try GymAdminRoutes.difficulty(form["difficulty_level"] ?? "")
        changes.durationMinutes = try DashboardForms.number(form, "duration_minutes", "duration", 5...480)
        changes.maxCapacity = try DashboardForms.number(form, "max_capacity", "capacity", 1...500)
        changes.creditsRequired = try DashboardForms.number(form, "credits_required", "credits", 0...100)
        changes.instructorId = .some(form["instructor_id"].flatMap { $0.isEmpty ? nil : $0 })
        changes.weeklySlots = try DashboardForms.slots(form)
        changes.cancelBookedSessions = DashboardForms.checked(form, "cancel_booked_sessions")
        return changes
    }

    // MARK: Pages

    struct ClassRow: Sendable {
        var id: String
        var name: String
        /// "Yoga · 12 spots · 2 credits".
        var summary: String
        var timetable: String
        var isActive: Bool
    }

    /// A class's fields as its form shows them.
    struct ClassForm: Sendable {
        var id: String?
        var name: String
        var description: String
        var types: [DashboardForms.Choice]
        var levels: [DashboardForms.Choice]
        var instructors: [DashboardForms.Choice]
        var duration: String
        var capacity: String
        var credits: String
        var slots: [DashboardForms.SlotField]
        var isActive: Bool
    }

    struct ListPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: DashboardPages.Header
        var title: String
        var classes: [ClassRow]
        var form: ClassForm
        var notice: String?
        var error: String?
        var hasClasses = false
    }

    struct Saved: Sendable {
        var added: Int
        var removed: Int
        var kept: Int
        var cancelled: Int
    }

    struct EditPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: DashboardPages.Header
        var title: String
        var form: ClassForm
        var notice: String?
        var error: String?
    }

    private func listPage(
        _ desk: DashboardPages.Desk, form: WebForm?, added: Int? = nil, opened: Bool = false, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        try requireManager(desk)
        let gym = desk.gym, words = desk.words
        let rows = gym.classes.sorted { ($0.isActive ? 0 : 1, $0.name) < ($1.isActive ? 0 : 1, $1.name) }.map {
            ClassRow(
                id: $0.id, name: $0.name,
                summary: [DashboardForms.label($0.classType.rawValue, words), words.count($0.maxCapacity, "{n} spot", "{n} spots"),
                          WebRoutes.credits($0.creditsRequired, words)].joined(separator: " · "),
                timetable: $0.weeklySlots.isEmpty ? words("No weekly times") : DashboardForms.describe($0.weeklySlots, words.format), isActive: $0.isActive
            )
        }
        let days = ["days": words.format.number(services.horizonDays)]
        let view = ListPage(
            visitor: desk.visitor, desk: .init(desk, .classes), title: words("Classes · {gym} · StudioLoop", ["gym": desk.gymName]), classes: rows,
            form: classForm(nil, gym: gym, typed: form, words),
            notice: opened ? words("{gym} is open. Add its first class and its weekly times: members can book as soon as it is saved.", ["gym": desk.gymName])
                : added.map {
                    words.count($0, "Class added, with {n} session in the next {days} days.", "Class added, with {n} sessions in the next {days} days.",
                                ["days": days["days"]!])
                }, error: error,
            hasClasses: !rows.isEmpty
        )
        return try pages.page("classes", view, status: status)
    }

    private func editPage(
        _ desk: DashboardPages.Desk, classId: String, form: WebForm?, saved: Saved? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        try requireManager(desk)
        let gym = desk.gym
        guard let fitnessClass = gym.classes.first(where: { $0.id == classId }) else { throw APIError.notFound("no class with id '\(classId)' at \(desk.gymName)") }
        let words = desk.words
        let notice = saved.map { s in
            var said = [words("Saved.")]
            if s.added + s.removed > 0 {
                said.append(words.count(s.added, "{n} session added, {removed} removed.", "{n} sessions added, {removed} removed.", ["removed": words.format.number(s.removed)]))
            }
            if s.kept > 0 {
                said.append(words.count(s.kept, "{n} booked session is kept: cancel it from the front desk if need be.",
                                        "{n} booked sessions are kept: cancel them from the front desk if need be."))
            }
            if s.cancelled > 0 {
                said.append(words.count(s.cancelled, "{n} booked session was cancelled; the members got their credits back and were told.",
                                        "{n} booked sessions were cancelled; the members got their credits back and were told."))
            }
            return said.joined(separator: " ")
        }
        let view = EditPage(
            visitor: desk.visitor, desk: .init(desk, .classes), title: "\(fitnessClass.name) · \(desk.gymName) · StudioLoop",
            form: classForm(fitnessClass, gym: gym, typed: form, words), notice: notice, error: error
        )
        return try pages.page("class", view, status: status)
    }

    /// The form for a class (nil: a new one), holding what was typed when it comes back refused.
    private func classForm(_ c: FitnessClass?, gym: StoredGym, typed: WebForm?, _ words: Words) -> ClassForm {
        func value(_ field: String, _ stored: String) -> String { typed?[field] ?? stored }
        let slots = typed.map { form in
            (1...7).map { DashboardForms.SlotField(weekday: $0, name: words.format.weekday($0), times: form["slots_\($0)"] ?? "") }
        }
        return ClassForm(
            id: c?.id, name: value("name", c?.name ?? ""), description: value("description", c?.description ?? ""),
            types: DashboardForms.choices(ClassType.allCases.map(\.rawValue), selected: value("class_type", c?.classType.rawValue ?? "yoga"), words),
            levels: DashboardForms.choices(Difficulty.allCases.map(\.rawValue), selected: value("difficulty_level", c?.difficultyLevel.rawValue ?? "all_levels"), words),
            instructors: gym.instructors.map {
                .init(value: $0.id, label: "\($0.firstName) \($0.lastName)", selected: $0.id == value("instructor_id", c?.instructorId ?? ""))
            },
            duration: value("duration_minutes", String(c?.durationMinutes ?? 60)), capacity: value("max_capacity", String(c?.maxCapacity ?? 12)),
            credits: value("credits_required", String(c?.creditsRequired ?? 1)), slots: slots ?? DashboardForms.slotFields(c?.weeklySlots ?? [], words.format),
            isActive: typed.map { DashboardForms.checked($0, "is_active") } ?? (c?.isActive ?? true)
        )
    }

    private func requireManager(_ desk: DashboardPages.Desk) throws {
        guard desk.canManage else { throw APIError.forbidden("only the gym's owner and admins change its classes") }
    }
}
