import Foundation

/// The schema, as numbered migrations applied in order and recorded in `schema_migrations`.
/// Portable SQL: ids are UUID text, times integer UTC seconds, money integer cents, flags 0/1.
enum Migrations {
    static let all: [(version: Int, statements: [String])] = portable + [(4, []), outboxDelivery, subscriptions, accounts, geofences, channels, outboxByBooking, checkInTimes, sessionVersions, phoneSignUp, checkout, payouts, sessionDetails, writeChecks, currenciesAndPlans, subscriptionPackages, gymOperations, gymMessages, webSessions, outboxAddressees, signedContext, accountBlocks, bookingRequests, sessionsByGym, storeIdentity]

    /// Who a message may be queued for: PostgreSQL's row-level security only
    /// (`RowLevelSecurity.outboxAddressees`); SQLite records the version.
    static let outboxAddressees: (version: Int, statements: [String]) = (23, [])

    /// The store's identity, made once with the schema (`apply` inserts it): what the server's
    /// index snapshots are tied to, so a snapshot of one store is never served over another
    /// (a store recreated at the same path, a server pointed at another database).
    static let storeIdentity: (version: Int, statements: [String]) = (28, [
        "CREATE TABLE store_identity (id INTEGER PRIMARY KEY CHECK (id = 1), identity TEXT NOT NULL)",
    ])

    /// A gym's sessions by time: the roster digests ask, for every gym, whether it has sessions
    /// today; without it each gym scanned the whole day's sessions of every gym (about 100 s a
    /// run at metro scale on SQLite, every connection waiting meanwhile).
    static let sessionsByGym: (version: Int, statements: [String]) = (27, [
        "CREATE INDEX class_schedules_by_gym_start ON class_schedules (tenant_id, start_time)",
    ])

    /// The Idempotency-Key of each booking request a member's app made, with the booking it made:
    /// a retry after a timeout is answered with that booking instead of booking again.
    static let bookingRequests: (version: Int, statements: [String]) = (26, [
        """
        CREATE TABLE booking_requests (
            user_id TEXT NOT NULL REFERENCES users(id), key TEXT NOT NULL, request_hash TEXT NOT NULL,
            booking_id TEXT REFERENCES bookings(id), created_at BIGINT NOT NULL, PRIMARY KEY (user_id, key))
        """,
    ])

    /// An account the platform has blocked: it signs in nowhere, and its sessions have ended.
    static let accountBlocks: (version: Int, statements: [String]) = (25, [
        "ALTER TABLE users ADD COLUMN blocked_at BIGINT",
        "ALTER TABLE users ADD COLUMN blocked_reason TEXT",
    ])

    /// A transaction's access context is believed only when signed (`ContextKey`,
    /// `RowLevelSecurity.signedContext`): PostgreSQL only; SQLite records the version.
    static let signedContext: (version: Int, statements: [String]) = (24, [])

    /// Delivery state for the outbox dispatcher: a lease while a worker delivers a row, and
    /// what happened.
    static let outboxDelivery: (version: Int, statements: [String]) = (5, [
        "ALTER TABLE outbox ADD COLUMN claimed_until BIGINT",
        "ALTER TABLE outbox ADD COLUMN delivered_at BIGINT",
        "ALTER TABLE outbox ADD COLUMN last_error TEXT",
        "CREATE INDEX outbox_due ON outbox (status, deliver_after)",
        // The booking a notification is about, so a cancelled booking's reminder can be withdrawn.
        "ALTER TABLE outbox ADD COLUMN booking_id TEXT",
        // A member's opt-outs: a kind of notification ("class_reminder"), or "*" for all.
        "CREATE TABLE notification_opt_outs (user_id TEXT NOT NULL REFERENCES users(id), kind TEXT NOT NULL, PRIMARY KEY (user_id, kind))",
    ])

    /// Statements only PostgreSQL runs, by migration version.
    static let postgresOnly: [Int: [String]] = [
        4: RowLevelSecurity.statements, 5: RowLevelSecurity.optOuts, 6: RowLevelSecurity.subscriptions,
        7: RowLevelSecurity.accountTokens,
        13: [
            "ALTER TABLE users ALTER COLUMN email DROP NOT NULL",
            "ALTER TABLE users ADD COLUMN login_phone TEXT UNIQUE",
            "ALTER TABLE users ADD COLUMN phone_verified_at BIGINT",
        ] + RowLevelSecurity.verificationCodes,
        14: RowLevelSecurity.gymCommerce,
        15: RowLevelSecurity.payouts,
        17: RowLevelSecurity.writeChecks,
        20: RowLevelSecurity.gymOperations,
        21: RowLevelSecurity.gymMessages,
        22: RowLevelSecurity.webSessions,
        23: RowLevelSecurity.outboxAddressees,
        24: RowLevelSecurity.signedContext,
        26: RowLevelSecurity.bookingRequests,
    ]

    /// The currency a lot was bought in (NULL: given, the platform's), so a marketplace booking
    /// releases the liability in the currency it was taken in; and gyms' monthly plans beside
    /// their packs.
    static let currenciesAndPlans: (version: Int, statements: [String]) = (18, [
        "ALTER TABLE member_credits ADD COLUMN currency TEXT",
        "ALTER TABLE credit_packages ADD COLUMN recurring INTEGER NOT NULL DEFAULT 0",
    ])

    /// The package a subscription was bought from (a platform plan's id, or a gym's plan), so
    /// its name is read, not guessed from its credits and price.
    static let subscriptionPackages: (version: Int, statements: [String]) = (19, [
        "ALTER TABLE subscriptions ADD COLUMN package_id TEXT",
    ])

    /// Running a gym: staff invited by contact and every staff change audited; a gym's own
    /// booking rules (windows, waitlist cut-off, late-cancel and no-show policy) with per-class
    /// and per-session overrides; who checked a member in and how; staff notes on members and
    /// blocks; the gym's rotating Ed25519 check-in keys (public halves only: the private ones
    /// are derived from the configured secret) and check-ins made offline, each applied once.
    static let gymOperations: (version: Int, statements: [String]) = (20, [
        """
        CREATE TABLE staff_invites (
            id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), role TEXT NOT NULL CHECK (role IN ('admin', 'instructor')),
            email TEXT, phone TEXT, invited_by TEXT NOT NULL REFERENCES users(id),
            status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'revoked')), accepted_by TEXT REFERENCES users(id),
            created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX staff_invites_by_tenant ON staff_invites (tenant_id, status)",
        "CREATE INDEX staff_invites_by_email ON staff_invites (email)",
        "CREATE INDEX staff_invites_by_phone ON staff_invites (phone)",
        """
        CREATE TABLE staff_audit (
            id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), actor_id TEXT NOT NULL REFERENCES users(id),
            action TEXT NOT NULL, subject_id TEXT, role TEXT, detail TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX staff_audit_by_tenant ON staff_audit (tenant_id, created_at)",
        "ALTER TABLE user_tenant_roles ADD COLUMN granted_at BIGINT",
        "ALTER TABLE tenants ADD COLUMN booking_window_hours INTEGER",
        "ALTER TABLE tenants ADD COLUMN cancellation_window_hours INTEGER",
        "ALTER TABLE tenants ADD COLUMN waitlist_cutoff_minutes INTEGER",
        "ALTER TABLE tenants ADD COLUMN late_cancel_policy TEXT NOT NULL DEFAULT 'forfeit'",
        "ALTER TABLE tenants ADD COLUMN no_show_limit INTEGER",
        "ALTER TABLE tenants ADD COLUMN no_show_block_days INTEGER",
        "ALTER TABLE tenants ADD COLUMN updated_at BIGINT",
        "ALTER TABLE classes ADD COLUMN booking_window_hours INTEGER",
        "ALTER TABLE classes ADD COLUMN cancellation_window_hours INTEGER",
        "ALTER TABLE classes ADD COLUMN waitlist_cutoff_minutes INTEGER",
        "ALTER TABLE classes ADD COLUMN created_at BIGINT",
        "ALTER TABLE classes ADD COLUMN updated_at BIGINT",
        // A session whose windows its gym set by hand keeps them when the gym's or class's change.
        "ALTER TABLE class_schedules ADD COLUMN windows_overridden INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE bookings ADD COLUMN checked_in_by TEXT REFERENCES users(id)",
        "ALTER TABLE bookings ADD COLUMN check_in_method TEXT",
        "CREATE INDEX bookings_by_tenant_user ON bookings (tenant_id, user_id)",
        // Whether a member lets the gyms they book see their email and phone.
        "ALTER TABLE users ADD COLUMN shares_contact INTEGER NOT NULL DEFAULT 0",
        """
        CREATE TABLE member_notes (
            id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), user_id TEXT NOT NULL REFERENCES users(id),
            author_id TEXT NOT NULL REFERENCES users(id), body TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX member_notes_by_member ON member_notes (tenant_id, user_id, created_at)",
        """
        CREATE TABLE member_blocks (
            tenant_id TEXT NOT NULL REFERENCES tenants(id), user_id TEXT NOT NULL REFERENCES users(id), reason TEXT NOT NULL,
            blocked_by TEXT NOT NULL REFERENCES users(id), created_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, user_id))
        """,
        """
        CREATE TABLE checkin_keys (
            tenant_id TEXT NOT NULL REFERENCES tenants(id), key_id TEXT NOT NULL, public_key TEXT NOT NULL,
            created_at BIGINT NOT NULL, retired_at BIGINT, PRIMARY KEY (tenant_id, key_id))
        """,
        """
        CREATE TABLE offline_checkins (
            tenant_id TEXT NOT NULL REFERENCES tenants(id), client_id TEXT NOT NULL, booking_id TEXT NOT NULL,
            staff_id TEXT, device_id TEXT NOT NULL, recorded_at BIGINT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'already', 'refused')), reason TEXT,
            synced_by TEXT NOT NULL REFERENCES users(id), synced_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, client_id))
        """,
    ])

    /// Messages to a gym: the day each gym's morning roster digest went out (so several servers
    /// send it once), and when each phone last wrote to us on WhatsApp (inside 24 hours of that,
    /// WhatsApp takes free text; outside it, templates only).
    static let gymMessages: (version: Int, statements: [String]) = (21, [
        "CREATE TABLE gym_digests (tenant_id TEXT NOT NULL REFERENCES tenants(id), day BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, day))",
        "CREATE TABLE whatsapp_inbound (phone TEXT PRIMARY KEY, last_message_at BIGINT NOT NULL)",
    ])

    /// Signed-in browsers: a web page's session is a random token in an HttpOnly cookie, of
    /// which only the hash is kept, with the account's session version when it began (a
    /// password reset or a stolen refresh token ends it too) and when it was last used.
    static let webSessions: (version: Int, statements: [String]) = (22, [
        """
        CREATE TABLE web_sessions (
            token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), token_version INTEGER NOT NULL,
            created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, ended_at BIGINT)
        """,
        "CREATE INDEX web_sessions_by_user ON web_sessions (user_id)",
    ])

    /// Row-level security that checks what is written (PostgreSQL only: `postgresOnly[17]`).
    static let writeChecks: (version: Int, statements: [String]) = (17, [])

    /// A session of its own: notes for the members ("bring a towel") and an instructor standing
    /// in for the class's (the seed's `ClassSchedule.notes` and `instructor_id`).
    static let sessionDetails: (version: Int, statements: [String]) = (16, [
        "ALTER TABLE class_schedules ADD COLUMN notes TEXT",
        "ALTER TABLE class_schedules ADD COLUMN instructor_id TEXT REFERENCES users(id)",
    ])

    /// Paying gyms what they are owed: platform operators run payouts; a gym says how it is paid
    /// (a Stripe connected account, or a bank account for EFT); each payout claims the ledger
    /// transactions it pays, each at most once, so no booking is ever paid twice.
    static let payouts: (version: Int, statements: [String]) = (15, [
        "CREATE TABLE platform_operators (user_id TEXT PRIMARY KEY REFERENCES users(id), granted_at BIGINT NOT NULL)",
        """
        CREATE TABLE payout_accounts (
            tenant_id TEXT PRIMARY KEY REFERENCES tenants(id), method TEXT NOT NULL CHECK (method IN ('stripe_connect', 'eft')),
            stripe_account_id TEXT, bank_name TEXT, account_holder TEXT, account_number TEXT, branch_code TEXT, updated_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE payouts (
            id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, tenant_id TEXT NOT NULL REFERENCES tenants(id), currency TEXT NOT NULL,
            amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), method TEXT NOT NULL CHECK (method IN ('stripe_connect', 'eft')),
            reference TEXT NOT NULL UNIQUE, status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'exported')),
            provider_ref TEXT, last_error TEXT, ledger_transaction_id TEXT, until_time BIGINT NOT NULL, created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX payouts_by_tenant ON payouts (tenant_id, created_at)",
        "CREATE INDEX payouts_by_batch ON payouts (batch_id)",
        """
        CREATE TABLE payout_items (
            transaction_id TEXT PRIMARY KEY REFERENCES ledger_transactions(id), payout_id TEXT NOT NULL REFERENCES payouts(id),
            amount_cents BIGINT NOT NULL)
        """,
    ])

    /// Hosted checkout and gym credit packs: a payment or subscription knows the provider's
    /// checkout (its id, which events name, and the page the member pays on) and, once paid, the
    /// provider's id of the money (which a refund names); a lot knows the payment that bought it.
    /// A gym sells its own packs, in its own currency (NULL: its country's), and its owner can
    /// grant credits with a reason.
    static let checkout: (version: Int, statements: [String]) = (14, [
        "ALTER TABLE payments ADD COLUMN provider_ref TEXT",
        "ALTER TABLE payments ADD COLUMN provider_charge TEXT",
        "ALTER TABLE payments ADD COLUMN checkout_url TEXT",
        "ALTER TABLE payments ADD COLUMN package_id TEXT",
        "ALTER TABLE payments ADD COLUMN validity_days INTEGER",
        "ALTER TABLE payments ADD COLUMN description TEXT NOT NULL DEFAULT ''",
        "CREATE UNIQUE INDEX payments_by_provider_ref ON payments (provider, provider_ref)",
        "ALTER TABLE subscriptions ADD COLUMN provider_ref TEXT",
        "ALTER TABLE subscriptions ADD COLUMN checkout_url TEXT",
        "CREATE UNIQUE INDEX subscriptions_by_provider_ref ON subscriptions (provider, provider_ref)",
        "ALTER TABLE member_credits ADD COLUMN payment_id TEXT REFERENCES payments(id)",
        "ALTER TABLE tenants ADD COLUMN currency TEXT",
        """
        CREATE TABLE credit_packages (
            id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), name TEXT NOT NULL,
            credits INTEGER NOT NULL CHECK (credits > 0), price_cents BIGINT NOT NULL CHECK (price_cents > 0), currency TEXT NOT NULL,
            validity_days INTEGER CHECK (validity_days > 0), is_active INTEGER NOT NULL DEFAULT 1,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX credit_packages_by_tenant ON credit_packages (tenant_id)",
        """
        CREATE TABLE credit_grants (
            id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), user_id TEXT NOT NULL REFERENCES users(id),
            granted_by TEXT NOT NULL REFERENCES users(id), credits INTEGER NOT NULL CHECK (credits > 0), reason TEXT NOT NULL,
            ledger_transaction_id TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX credit_grants_by_tenant ON credit_grants (tenant_id, created_at)",
        // A refund of a purchase's unused credits: pending until the provider confirms it
        // (retried with the same key while the provider is unreachable), then settled once.
        """
        CREATE TABLE refunds (
            id TEXT PRIMARY KEY, payment_id TEXT NOT NULL REFERENCES payments(id), user_id TEXT NOT NULL REFERENCES users(id),
            tenant_id TEXT REFERENCES tenants(id), credits INTEGER NOT NULL CHECK (credits > 0),
            amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0), currency TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'succeeded', 'failed')),
            provider TEXT NOT NULL, provider_ref TEXT, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL,
            last_error TEXT, credits_transaction_id TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX refunds_by_payment ON refunds (payment_id)",
        "CREATE INDEX refunds_due ON refunds (status, next_attempt_at)",
    ])

    /// How each member likes to be told: email, SMS or WhatsApp (checked by the application).
    static let channels: (version: Int, statements: [String]) = (9, [
        "ALTER TABLE users ADD COLUMN notification_channel TEXT NOT NULL DEFAULT 'email'",
    ])

    /// A cancelled booking's reminder is found by its booking: without this every cancellation
    /// read the whole outbox, which grows with every booking.
    static let outboxByBooking: (version: Int, statements: [String]) = (10, [
        "CREATE INDEX outbox_by_booking ON outbox (booking_id)",
    ])

    /// Phone-first sign-up: an account may have a phone (E.164, unique) and no email, and proves
    /// a contact with a six-digit code (single use, 10 minutes, 5 attempts) stored as a hash.
    /// Making `users.email` optional needs SQLite's table rebuild (`sqliteRebuilds`).
    static let phoneSignUp: (version: Int, statements: [String]) = (13, [
        """
        CREATE TABLE verification_codes (
            id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), channel TEXT NOT NULL CHECK (channel IN ('phone', 'email')),
            destination TEXT NOT NULL, code_hash TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, expires_at BIGINT NOT NULL,
            used_at BIGINT, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX verification_codes_by_destination ON verification_codes (destination, created_at)",
    ])

    /// SQLite cannot drop a NOT NULL: the table is made anew, with foreign keys unchecked while
    /// it is swapped in and checked before the transaction commits.
    static let sqliteRebuilds: [Int: [String]] = [
        13: [
            """
            CREATE TABLE users_rebuilt (
                id TEXT PRIMARY KEY, email TEXT UNIQUE, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
                phone TEXT NOT NULL DEFAULT '', password_hash TEXT, created_at BIGINT NOT NULL,
                notification_channel TEXT NOT NULL DEFAULT 'email', email_verified_at BIGINT, updated_at BIGINT NOT NULL DEFAULT 0,
                token_version INTEGER NOT NULL DEFAULT 0, login_phone TEXT UNIQUE, phone_verified_at BIGINT)
            """,
            """
            INSERT INTO users_rebuilt (id, email, first_name, last_name, phone, password_hash, created_at, notification_channel,
                email_verified_at, updated_at, token_version)
            SELECT id, email, first_name, last_name, phone, password_hash, created_at, notification_channel, email_verified_at,
                updated_at, token_version FROM users
            """,
            "DROP TABLE users",
            "ALTER TABLE users_rebuilt RENAME TO users",
        ],
    ]

    /// A session version per account, carried in access tokens: a password reset or a stolen
    /// refresh token moves it on, and every access token issued before stops working at once.
    static let sessionVersions: (version: Int, statements: [String]) = (12, [
        "ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0",
    ])

    /// When a member was checked in (the seed's `check_in_time`); earlier check-ins keep NULL.
    static let checkInTimes: (version: Int, statements: [String]) = (11, [
        "ALTER TABLE bookings ADD COLUMN checked_in_at BIGINT",
    ])

    /// Where members may check themselves in: a radius around the gym (150 m when unset) or a
    /// polygon its owner drew.
    static let geofences: (version: Int, statements: [String]) = (8, [
        "ALTER TABLE tenants ADD COLUMN geofence_radius_m INTEGER",
        "ALTER TABLE tenants ADD COLUMN geofence_geojson TEXT",
    ])

    /// Signing in: single-use tokens (refresh, password reset, email verification), kept only as
    /// SHA-256 hashes so a copy of the database signs nobody in.
    static let accounts: (version: Int, statements: [String]) = (7, [
        "ALTER TABLE users ADD COLUMN email_verified_at BIGINT",
        "ALTER TABLE users ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0",
        """
        CREATE TABLE account_tokens (
            token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
            purpose TEXT NOT NULL CHECK (purpose IN ('refresh', 'password_reset', 'email_verification')),
            family_id TEXT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX account_tokens_by_family ON account_tokens (family_id)",
    ])

    /// Members' monthly credit plans and gyms' platform tiers, renewed through the provider.
    static let subscriptions: (version: Int, statements: [String]) = (6, [
        """
        CREATE TABLE subscriptions (
            id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), tenant_id TEXT REFERENCES tenants(id),
            kind TEXT NOT NULL CHECK (kind IN ('member_credits', 'gym_tier')), tier TEXT,
            credits_per_period INTEGER NOT NULL DEFAULT 0 CHECK (credits_per_period >= 0),
            price_cents BIGINT NOT NULL CHECK (price_cents > 0), currency TEXT NOT NULL, provider TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'lapsed', 'cancelled')),
            cancel_at_period_end INTEGER NOT NULL DEFAULT 0, current_period_end BIGINT,
            failed_renewals INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX subscriptions_by_user ON subscriptions (user_id)",
    ])

    static let portable: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE tenants (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE, email TEXT NOT NULL,
                phone TEXT NOT NULL, street TEXT NOT NULL, suburb TEXT NOT NULL, city TEXT NOT NULL, province TEXT NOT NULL,
                postal_code TEXT NOT NULL, country TEXT NOT NULL, lat DOUBLE PRECISION NOT NULL, lng DOUBLE PRECISION NOT NULL,
                timezone TEXT NOT NULL, subscription_tier TEXT NOT NULL, marketplace_enabled INTEGER NOT NULL,
                status TEXT NOT NULL, place_id BIGINT, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
                phone TEXT NOT NULL DEFAULT '', password_hash TEXT, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE user_tenant_roles (
                user_id TEXT NOT NULL REFERENCES users(id), tenant_id TEXT NOT NULL REFERENCES tenants(id),
                role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'instructor', 'member')), PRIMARY KEY (user_id, tenant_id))
            """,
            """
            CREATE TABLE classes (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), name TEXT NOT NULL,
                description TEXT NOT NULL, class_type TEXT NOT NULL, instructor_id TEXT REFERENCES users(id),
                duration_minutes INTEGER NOT NULL, max_capacity INTEGER NOT NULL CHECK (max_capacity > 0),
                difficulty_level TEXT NOT NULL, credits_required INTEGER NOT NULL CHECK (credits_required >= 0),
                equipment_needed TEXT NOT NULL, is_active INTEGER NOT NULL, weekly_slots TEXT NOT NULL)
            """,
            """
            CREATE TABLE class_schedules (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), class_id TEXT NOT NULL REFERENCES classes(id),
                start_time BIGINT NOT NULL, end_time BIGINT NOT NULL, capacity INTEGER NOT NULL,
                available_spots INTEGER NOT NULL CHECK (available_spots >= 0 AND available_spots <= capacity),
                booking_window_hours INTEGER NOT NULL, cancellation_window_hours INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')), waitlist_seq BIGINT NOT NULL DEFAULT 0,
                UNIQUE (class_id, start_time))
            """,
            "CREATE INDEX class_schedules_by_start ON class_schedules (start_time)",
            """
            CREATE TABLE bookings (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),
                session_id TEXT NOT NULL REFERENCES class_schedules(id), user_id TEXT NOT NULL REFERENCES users(id),
                status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled', 'checked_in', 'completed', 'no_show')),
                waitlist_seq BIGINT, credits_charged INTEGER NOT NULL DEFAULT 0, is_marketplace INTEGER NOT NULL,
                marketplace_fee_cents BIGINT, currency TEXT, ledger_transaction_id TEXT,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, cancel_reason TEXT)
            """,
            // One active booking per member per session, enforced by the database too.
            """
            CREATE UNIQUE INDEX bookings_one_active ON bookings (session_id, user_id)
                WHERE status IN ('confirmed', 'waitlisted', 'checked_in')
            """,
            "CREATE INDEX bookings_by_user ON bookings (user_id, status)",
            """
            CREATE TABLE member_credits (
                id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), tenant_id TEXT REFERENCES tenants(id),
                remaining INTEGER NOT NULL CHECK (remaining >= 0), expires_at BIGINT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX member_credits_by_user ON member_credits (user_id)",
            // Which lots paid for a booking, so a refund returns credits where they came from.
            """
            CREATE TABLE booking_credit_draws (
                booking_id TEXT NOT NULL REFERENCES bookings(id), lot_id TEXT NOT NULL REFERENCES member_credits(id),
                credits INTEGER NOT NULL CHECK (credits > 0), PRIMARY KEY (booking_id, lot_id))
            """,
            """
            CREATE TABLE ledger_transactions (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, reverses TEXT UNIQUE REFERENCES ledger_transactions(id),
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE ledger_postings (
                transaction_id TEXT NOT NULL REFERENCES ledger_transactions(id), seq INTEGER NOT NULL,
                account TEXT NOT NULL, unit TEXT NOT NULL, amount BIGINT NOT NULL CHECK (amount <> 0),
                PRIMARY KEY (transaction_id, seq))
            """,
            "CREATE INDEX ledger_postings_by_account ON ledger_postings (account, unit)",
            """
            CREATE TABLE outbox (
                id TEXT PRIMARY KEY, user_id TEXT REFERENCES users(id), kind TEXT NOT NULL, payload TEXT NOT NULL,
                deliver_after BIGINT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)
            """,
        ]),
        (2, [
            """
            CREATE TABLE payments (
                id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), tenant_id TEXT REFERENCES tenants(id),
                provider TEXT NOT NULL, amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), currency TEXT NOT NULL,
                credits INTEGER NOT NULL CHECK (credits > 0),
                status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            // A retried request with the same key gets the first answer; keys live at least 24 hours.
            """
            CREATE TABLE idempotency_keys (
                user_id TEXT NOT NULL REFERENCES users(id), key TEXT NOT NULL, request_hash TEXT NOT NULL,
                payment_id TEXT NOT NULL REFERENCES payments(id), created_at BIGINT NOT NULL, PRIMARY KEY (user_id, key))
            """,
            // Each provider event is acted on once; a replay finds its id here.
            """
            CREATE TABLE webhook_events (
                provider TEXT NOT NULL, event_id TEXT NOT NULL, received_at BIGINT NOT NULL, PRIMARY KEY (provider, event_id))
            """,
        ]),
        (3, [
            // When a session's spots last changed, so a process that missed announcements can catch up.
            "ALTER TABLE class_schedules ADD COLUMN spots_updated_at BIGINT NOT NULL DEFAULT 0",
            "CREATE INDEX class_schedules_by_spots_update ON class_schedules (spots_updated_at)",
        ]),
    ]

    /// Applies every migration the database has not seen, each in its own transaction.
    /// Returns the versions applied.
    static func apply(to database: any Database, at time: Int64) async throws -> [Int] {
        // Up to date: nothing to change, so a role that serves by grants alone (no DDL) starts.
        let waiting = try await pending(in: database)
        guard !waiting.isEmpty else { return [] }
        do {
            try await database.transaction { db in
                try db.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)")
            }
        } catch StoreError.database(let message) where message.hasPrefix("42501") {  // insufficient privilege
            throw StoreError.invalid(
                "the schema needs migrations \(waiting.map(String.init).joined(separator: ", ")) and this database role may not change it: run `studioloop migrate` with the owner's database URL"
            )
        }
        var applied: [Int] = []
        for migration in all {
            if let rebuild = sqliteRebuilds[migration.version], let sqlite = database as? SQLiteDatabase {
                let pending = try await database.transaction { db in
                    try db.query("SELECT 1 FROM schema_migrations WHERE version = $1", .integer(Int64(migration.version))).isEmpty
                }
                guard pending else { continue }
                try await sqlite.rebuildingTables { db in
                    for statement in rebuild + migration.statements { try db.query(statement) }
                    try db.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", .integer(Int64(migration.version)), .integer(time))
                }
                applied.append(migration.version)
                continue
            }
            let ran = try await database.transaction { db -> Bool in
                guard try db.query("SELECT 1 FROM schema_migrations WHERE version = $1", .integer(Int64(migration.version))).isEmpty
                else { return false }
                for statement in migration.statements { try db.query(statement) }
                if migration.version == storeIdentity.version {
                    try db.query("INSERT INTO store_identity (id, identity) VALUES (1, $1)", .text(UUID().uuidString.lowercased()))
                }
                if db.dialect == .postgres {
                    for statement in postgresOnly[migration.version] ?? [] { try db.query(statement) }
                }
                try db.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                             .integer(Int64(migration.version)), .integer(time))
                return true
            }
            if ran { applied.append(migration.version) }
        }
        return applied
    }

    /// The versions not yet applied (all of them on an empty database), read without changing
    /// anything.
    static func pending(in database: any Database) async throws -> [Int] {
        let done: Set<Int> = try await database.transaction { db in
            let exists =
                switch db.dialect {
                case .postgres: try db.query("SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END AS found")[0]["found"].integer == 1
                case .sqlite: !(try db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").isEmpty)
                }
            guard exists else { return [] }
            return Set(try db.query("SELECT version FROM schema_migrations").compactMap { $0["version"].integer.map(Int.init) })
        }
        return all.map(\.version).filter { !done.contains($0) }
    }
}
