/// PostgreSQL row-level security: tenant isolation that holds even when a query forgets its
/// tenant filter. Policies are forced on the tables' owner too; only a superuser or a role
/// with BYPASSRLS escapes them, so the application connects as a plain role.
///
/// - The catalog (gyms, classes, sessions) is public to read, as the marketplace shows it, and
///   writable only in its gym's context.
/// - Bookings belong to their gym and their member; credits, payments and idempotency keys to
///   their member.
/// - The ledger and the outbox take inserts from any acting context and show themselves only to
///   the store's bookkeeping (`system`), except that a gym reads its own payable account; nobody
///   may update or delete a ledger row.
enum RowLevelSecurity {
    static let statements: [String] = functions + catalog + owned + appendOnly

    /// Migration 5: a member's opt-outs are theirs.
    static let optOuts: [String] = enable("notification_opt_outs") + [
        "CREATE POLICY owner_access ON notification_opt_outs FOR ALL USING (app_system() OR user_id = app_user()) WITH CHECK (app_system() OR user_id = app_user())",
    ]

    /// Migration 6: a subscription belongs to its member, and a gym's tier plan to that gym too.
    static let subscriptions: [String] = enable("subscriptions") + [
        """
        CREATE POLICY owner_access ON subscriptions FOR ALL
        USING (app_system() OR user_id = app_user() OR tenant_id = app_tenant())
        WITH CHECK (app_system() OR user_id = app_user() OR tenant_id = app_tenant())
        """,
    ]

    /// Migration 7: sign-in tokens are their user's.
    static let accountTokens: [String] = enable("account_tokens") + [
        "CREATE POLICY owner_access ON account_tokens FOR ALL USING (app_system() OR user_id = app_user()) WITH CHECK (app_system() OR user_id = app_user())",
    ]

    /// Sign-up codes are the store's own bookkeeping: only the system context reads or writes them.
    static let verificationCodes: [String] = enable("verification_codes") + [
        "CREATE POLICY system_only ON verification_codes FOR ALL USING (app_system()) WITH CHECK (app_system())",
    ]

    /// Migration 14: a gym's packs are public to read and its own to write; a grant is seen by
    /// its gym and its member, a refund by its member and its gym.
    static let gymCommerce: [String] = enable("credit_packages") + [
        "CREATE POLICY catalog_read ON credit_packages FOR SELECT USING (true)",
        """
        CREATE POLICY catalog_write ON credit_packages FOR ALL
        USING (app_system() OR tenant_id = app_tenant()) WITH CHECK (app_system() OR tenant_id = app_tenant())
        """,
    ] + enable("credit_grants") + [
        """
        CREATE POLICY owner_access ON credit_grants FOR ALL
        USING (app_system() OR tenant_id = app_tenant() OR user_id = app_user()) WITH CHECK (app_system() OR tenant_id = app_tenant())
        """,
    ] + enable("refunds") + [
        // A member asks for their own refunds; a gym reads those of its packs.
        """
        CREATE POLICY owner_access ON refunds FOR ALL
        USING (app_system() OR user_id = app_user() OR tenant_id = app_tenant()) WITH CHECK (app_system() OR user_id = app_user())
        """,
    ]

    /// Migration 15: operators and payout claims are bookkeeping; a gym reads and sets its own
    /// payout account and reads its own payouts.
    static let payouts: [String] = ["platform_operators", "payout_items"].flatMap { table in
        enable(table) + ["CREATE POLICY system_only ON \(table) FOR ALL USING (app_system()) WITH CHECK (app_system())"]
    } + enable("payout_accounts") + [
        "CREATE POLICY gym_access ON payout_accounts FOR ALL USING (app_system() OR tenant_id = app_tenant()) WITH CHECK (app_system() OR tenant_id = app_tenant())",
    ] + enable("payouts") + [
        "CREATE POLICY gym_read ON payouts FOR SELECT USING (app_system() OR tenant_id = app_tenant())",
        "CREATE POLICY system_write ON payouts FOR ALL USING (app_system()) WITH CHECK (app_system())",
    ]

    /// Migration 17: what a member's or a gym's transaction may write, not only read. Roles are
    /// granted only by the store's own paths (opening a gym, the staff paths), so a member's
    /// transaction cannot make itself another gym's owner; and a gym's accounts in the ledger
    /// take postings only from that gym's own context, so no transaction can post to another
    /// gym's payable.
    static let writeChecks: [String] = [
        "DROP POLICY owner_access ON user_tenant_roles",
        "CREATE POLICY role_read ON user_tenant_roles FOR SELECT USING (app_system() OR tenant_id = app_tenant() OR user_id = app_user())",
        "CREATE POLICY role_write ON user_tenant_roles FOR ALL USING (app_system()) WITH CHECK (app_system())",
        "DROP POLICY acting_insert ON ledger_postings",
        """
        CREATE POLICY acting_insert ON ledger_postings FOR INSERT WITH CHECK (
            app_system() OR ((app_user() IS NOT NULL OR app_tenant() IS NOT NULL)
                AND (account NOT LIKE 'gym:%' OR (app_tenant() IS NOT NULL AND account LIKE 'gym:' || app_tenant() || ':%'))))
        """,
    ]

    /// Migration 20: a gym's staff paperwork, notes, blocks and offline check-ins are its own;
    /// its check-in keys are public; and a gym reads its own members: their credits at the gym,
    /// and the accounts of people who booked, hold credits or work there (nobody else's).
    static let gymOperations: [String] = ["staff_invites", "staff_audit", "member_notes", "member_blocks", "offline_checkins"].flatMap { table in
        enable(table) + [
            "CREATE POLICY gym_access ON \(table) FOR ALL USING (app_system() OR tenant_id = app_tenant()) WITH CHECK (app_system() OR tenant_id = app_tenant())",
        ]
    } + enable("checkin_keys") + [
        "CREATE POLICY public_read ON checkin_keys FOR SELECT USING (true)",
        "CREATE POLICY system_write ON checkin_keys FOR ALL USING (app_system()) WITH CHECK (app_system())",
        "CREATE POLICY gym_read ON member_credits FOR SELECT USING (tenant_id = app_tenant())",
        """
        CREATE POLICY gym_members_read ON users FOR SELECT USING (app_tenant() IS NOT NULL AND (
            EXISTS (SELECT 1 FROM bookings b WHERE b.user_id = users.id AND b.tenant_id = app_tenant())
            OR EXISTS (SELECT 1 FROM member_credits m WHERE m.user_id = users.id AND m.tenant_id = app_tenant())
            OR EXISTS (SELECT 1 FROM user_tenant_roles r WHERE r.user_id = users.id AND r.tenant_id = app_tenant())))
        """,
    ]

    /// Migration 21: the store's own bookkeeping of messages to gyms.
    static let gymMessages: [String] = ["gym_digests", "whatsapp_inbound"].flatMap { table in
        enable(table) + ["CREATE POLICY system_only ON \(table) FOR ALL USING (app_system()) WITH CHECK (app_system())"]
    }

    /// Migration 22: a browser's session is its user's.
    /// Migration 23: a message is queued for the member acting, or by a gym for its own people
    /// (its staff, and members who booked or hold credits there) or for the gym itself (no
    /// addressee: its staff alerts and invitations, addressed in the payload), never for anyone
    /// else: SQL injected into one member's transaction cannot message another member.
    static let outboxAddressees: [String] = [
        "DROP POLICY acting_insert ON outbox",
        """
        CREATE POLICY acting_insert ON outbox FOR INSERT WITH CHECK (
            app_system() OR user_id = app_user()
            OR (app_tenant() IS NOT NULL AND (
                user_id IS NULL
                OR EXISTS (SELECT 1 FROM user_tenant_roles r WHERE r.user_id = outbox.user_id AND r.tenant_id = app_tenant())
                OR EXISTS (SELECT 1 FROM bookings b WHERE b.user_id = outbox.user_id AND b.tenant_id = app_tenant())
                OR EXISTS (SELECT 1 FROM member_credits m WHERE m.user_id = outbox.user_id AND m.tenant_id = app_tenant()))))
        """,
    ]

    /// Migration 24: the context is a claim only the server can make. The key's HMAC pads sit in
    /// a table whose row-level security has no policy and is not forced, so only its owner reads
    /// it. The server enters a context with `app_enter(tenant, user, system, signature)`, which
    /// runs as that owner, checks the signature (an HMAC of the context bound to the backend and
    /// the transaction's start) and writes what it proved — or, failing, nothing — to this
    /// backend's row of `context_now`, which only it may write. Policies read the context from
    /// that row, once per statement (an InitPlan: an index lookup), so the signature costs its
    /// two SHA-256s once per context entered, not once per statement; a row left by an earlier
    /// transaction is not this one's (its start differs).
    static let signedContext: [String] = [
        "CREATE TABLE context_key (id INTEGER PRIMARY KEY CHECK (id = 1), inner_pad BYTEA NOT NULL, outer_pad BYTEA NOT NULL)",
        "ALTER TABLE context_key ENABLE ROW LEVEL SECURITY",
        "REVOKE ALL ON context_key FROM PUBLIC",
        // Unlogged: a row lasts one transaction, and a crash ends every transaction anyway.
        """
        CREATE UNLOGGED TABLE context_now (
            backend INTEGER PRIMARY KEY, started TIMESTAMPTZ NOT NULL, tenant_id TEXT, user_id TEXT, system BOOLEAN NOT NULL)
        """,
        "ALTER TABLE context_now ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY own_backend ON context_now FOR SELECT USING (backend = pg_backend_pid())",
        #"""
        CREATE FUNCTION app_enter(claimed_tenant text, claimed_user text, claimed_system text, signature text) RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            valid boolean;
        BEGIN
            SELECT encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(
                    pg_backend_pid() || E'\n' || (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint
                    || E'\n' || claimed_tenant || E'\n' || claimed_user || E'\n' || claimed_system, 'UTF8'))), 'hex') = signature
            INTO valid FROM public.context_key k WHERE k.id = 1;
            valid := coalesce(valid, false);
            INSERT INTO public.context_now AS c (backend, started, tenant_id, user_id, system)
            VALUES (pg_backend_pid(), transaction_timestamp(), CASE WHEN valid THEN NULLIF(claimed_tenant, '') END,
                CASE WHEN valid THEN NULLIF(claimed_user, '') END, valid AND claimed_system = 'on')
            ON CONFLICT (backend) DO UPDATE SET started = EXCLUDED.started, tenant_id = EXCLUDED.tenant_id,
                user_id = EXCLUDED.user_id, system = EXCLUDED.system;
            RETURN valid;
        END
        $$
        """#,
        """
        CREATE OR REPLACE FUNCTION app_tenant() RETURNS text LANGUAGE sql STABLE AS $$ SELECT \(contextNow("tenant_id")) $$
        """,
        """
        CREATE OR REPLACE FUNCTION app_user() RETURNS text LANGUAGE sql STABLE AS $$ SELECT \(contextNow("user_id")) $$
        """,
        """
        CREATE OR REPLACE FUNCTION app_system() RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT coalesce(\(contextNow("system")), false) $$
        """,
        // Every policy reads the context from the row: app_tenant() becomes the subquery itself
        // (a function with a FROM would be planned afresh in every statement).
        #"""
        DO $$
        DECLARE
            p record;
            used text;
            checked text;
            change text;
        BEGIN
            FOR p IN SELECT tablename, policyname, qual, with_check FROM pg_policies WHERE schemaname = 'public' LOOP
                CONTINUE WHEN coalesce(p.qual, '') || coalesce(p.with_check, '') !~ 'app_(system|tenant|user)\(\)';
                used := p.qual;
                checked := p.with_check;
                used := replace(used, 'app_tenant()', '\#(contextNow("tenant_id"))');
                used := replace(used, 'app_user()', '\#(contextNow("user_id"))');
                used := replace(used, 'app_system()', 'coalesce(\#(contextNow("system")), false)');
                checked := replace(checked, 'app_tenant()', '\#(contextNow("tenant_id"))');
                checked := replace(checked, 'app_user()', '\#(contextNow("user_id"))');
                checked := replace(checked, 'app_system()', 'coalesce(\#(contextNow("system")), false)');
                change := format('ALTER POLICY %I ON public.%I', p.policyname, p.tablename);
                IF used IS NOT NULL THEN change := change || ' USING (' || used || ')'; END IF;
                IF checked IS NOT NULL THEN change := change || ' WITH CHECK (' || checked || ')'; END IF;
                EXECUTE change;
            END LOOP;
        END
        $$
        """#,
    ]

    /// Migration 26: a booking request's key is its member's.
    static let bookingRequests: [String] = enable("booking_requests") + [
        """
        CREATE POLICY owner_access ON booking_requests FOR ALL
        USING (coalesce(\(contextNow("system")), false) OR user_id = \(contextNow("user_id")))
        WITH CHECK (coalesce(\(contextNow("system")), false) OR user_id = \(contextNow("user_id")))
        """,
    ]

    /// What this transaction's proven context says of `column`: null when it entered none. A
    /// policy added later reads the context through this, not through `app_tenant()` (a
    /// function with a `FROM`, planned afresh in every statement); a test holds every policy to it.
    static func contextNow(_ column: String) -> String {
        "(SELECT c.\(column) FROM public.context_now c WHERE c.backend = pg_backend_pid() AND c.started = transaction_timestamp())"
    }

    static let webSessions: [String] = enable("web_sessions") + [
        "CREATE POLICY owner_access ON web_sessions FOR ALL USING (app_system() OR user_id = app_user()) WITH CHECK (app_system() OR user_id = app_user())",
    ]

    static let functions = [
        "CREATE FUNCTION app_tenant() RETURNS text LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('app.current_tenant_id', true), '') $$",
        "CREATE FUNCTION app_user() RETURNS text LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('app.current_user_id', true), '') $$",
        "CREATE FUNCTION app_system() RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.system', true), '') = 'on' $$",
    ]

    static func enable(_ table: String) -> [String] {
        ["ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY", "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY"]
    }

    static let catalog: [String] = [("tenants", "id"), ("classes", "tenant_id"), ("class_schedules", "tenant_id")].flatMap { table, column in
        enable(table) + [
            "CREATE POLICY catalog_read ON \(table) FOR SELECT USING (true)",
            """
            CREATE POLICY catalog_write ON \(table) FOR ALL
            USING (app_system() OR \(column) = app_tenant()) WITH CHECK (app_system() OR \(column) = app_tenant())
            """,
        ]
    }

    static let owned: [String] = [
        ("users", "app_system() OR id = app_user()"),
        ("user_tenant_roles", "app_system() OR tenant_id = app_tenant() OR user_id = app_user()"),
        ("bookings", "app_system() OR tenant_id = app_tenant() OR user_id = app_user()"),
        ("booking_credit_draws", "app_system() OR EXISTS (SELECT 1 FROM bookings b WHERE b.id = booking_id)"),
        ("member_credits", "app_system() OR user_id = app_user()"),
        ("payments", "app_system() OR user_id = app_user()"),
        ("idempotency_keys", "app_system() OR user_id = app_user()"),
        ("webhook_events", "app_system()"),
    ].flatMap { table, rule in
        enable(table) + ["CREATE POLICY owner_access ON \(table) FOR ALL USING (\(rule)) WITH CHECK (\(rule))"]
    }

    static let appendOnly: [String] = ["ledger_transactions", "ledger_postings", "outbox"].flatMap { table in
        enable(table) + [
            "CREATE POLICY bookkeeping_read ON \(table) FOR SELECT USING (app_system())",
            "CREATE POLICY acting_insert ON \(table) FOR INSERT WITH CHECK (app_system() OR app_user() IS NOT NULL OR app_tenant() IS NOT NULL)",
        ]
    } + [
        "CREATE POLICY dispatcher_update ON outbox FOR UPDATE USING (app_system()) WITH CHECK (app_system())",
        // A gym reads what it is owed: the postings of its own payable account.
        "CREATE POLICY gym_payable_read ON ledger_postings FOR SELECT USING (account = 'gym:' || app_tenant() || ':payable')",
    ]
}
