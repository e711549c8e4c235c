import Booking
public import Domain

/// A signed-up person as the API shows them to themselves.
public struct Account: Codable, Equatable, Sendable {
    public var id: String
    /// Nil for an account that signs in by phone alone.
    public var email: String?
    public var firstName: String
    public var lastName: String
    /// The number the member shows for contact (free text, as they gave it).
    public var phone: String
    /// The E.164 number the account signs in with, if any.
    public var loginPhone: String?
    public var emailVerified: Bool
    public var phoneVerified: Bool
    /// The gyms where this person is staff or a member, and as what.
    public var roles: [Role]
    /// They let the gyms they book at see their email and phone.
    public var sharesContact: Bool = false
    public var createdAt: Int64
    public var updatedAt: Int64 = 0

    public struct Role: Codable, Equatable, Sendable {
        public var tenantId: String
        public var tenantSlug: String
        public var role: StaffRole
    }
}

/// What a single-use account token is for.
public enum AccountTokenPurpose: String, Sendable, CaseIterable {
    case refresh
    case passwordReset = "password_reset"
    case emailVerification = "email_verification"
}
