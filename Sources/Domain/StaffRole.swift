/// What someone is at a gym. Members hold no row of their own in the gym's staff; `member` is
/// the role a gym's own customers are listed with.
public enum StaffRole: String, Sendable, CaseIterable, Codable {
    case owner, admin, instructor, member

    /// Runs the gym: its catalog, its staff, its settings and its numbers.
    public var canManage: Bool { self == .owner || self == .admin }
    /// Works at the gym: sees its bookings.
    public var isStaff: Bool { self != .member }
    public var canCheckIn: Bool { isStaff }
}
