/// A user of the platform; datasets carry the instructors.
public struct User: Codable, Hashable, Sendable {
    public var id: String
    public var tenantId: String
    public var email: String
    public var firstName: String
    public var lastName: String
    public var phone: String
    public var role: StaffRole

    public init(id: String, tenantId: String, email: String, firstName: String, lastName: String, phone: String, role: StaffRole) {
        self.id = id
        self.tenantId = tenantId
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.role = role
    }

    public var fullName: String { "\(firstName) \(lastName)" }
}
