public import Hummingbird
public import HummingbirdCore
import NIOCore
import Logging

/// The HTTP API: health and metrics at the root, everything else under /api/v1.
public enum StudioLoopApplication {
    /// HTTP/1.1 with an idle timeout: a connection that sends nothing for `idleTimeout` (between
    /// requests, or partway through one) is closed; one whose request's head or body trickles in
    /// past `deadlines` is closed too, so idle and trickling clients cannot hold the server's
    /// connections open; and, with `connections`, at most so many open at once from one address.
    public static func server(
        idleTimeout: Duration, deadlines: RequestDeadlines = .standard, connections: ConnectionCounts? = nil
    ) -> HTTPServerBuilder {
        .http1(configuration: HTTP1Channel.Configuration(
            additionalChannelHandlers: (connections.map { [ConnectionCapHandler($0)] } ?? []) + [RequestDeadlineHandler(deadlines)],
            idleTimeout: TimeAmount(idleTimeout)
        ))
    }

    public static func router(_ services: ServerServices) -> Router<AppContext> {
        let router = Router(context: AppContext.self)
        router.add(middleware: RequestMiddleware(metrics: services.metrics))
        if !services.corsOrigins.isEmpty { router.add(middleware: AllowedOriginsCORS(origins: services.corsOrigins)) }
        router.add(middleware: BearerMiddleware(authenticator: services.authenticator, sessions: services.sessions, clock: services.clock))
        router.add(middleware: RateLimitMiddleware(limiters: services.limiters))
        router.add(middleware: TenantHeaderMiddleware(staff: services.store.staff))
        HealthRoutes(services: services).register(on: router)
        WebRoutes(services: services).register(on: router)
        CheckoutPages(services: services).register(on: router)
        MemberPages(services: services).register(on: router)
        NotificationPages(services: services).register(on: router)
        DashboardPages(services: services).register(on: router)
        ClassPages(services: services).register(on: router)
        GymMoneyPages(services: services).register(on: router)
        TeamPages(services: services).register(on: router)
        GymSettingsPage(services: services).register(on: router)
        ForGymsPages(services: services).register(on: router)
        let api = router.group("api/v1")
        SearchRoutes(services: services).register(on: api)
        AuthRoutes(services: services).register(on: api)
        UserRoutes(services: services).register(on: api)
        TenantRoutes(services: services).register(on: api)
        ScheduleRoutes(services: services).register(on: api)
        GymAdminRoutes(services: services).register(on: api)
        AnalyticsRoutes(services: services).register(on: api)
        AreaRoutes(services: services).register(on: api)
        GeofenceRoutes(services: services).register(on: api)
        BookingRoutes(services: services).register(on: api)
        PaymentRoutes(services: services).register(on: api)
        GymPackRoutes(services: services).register(on: api)
        PayoutRoutes(services: services).register(on: api)
        StaffRoutes(services: services).register(on: api)
        GymSettingsRoutes(services: services).register(on: api)
        RosterRoutes(services: services).register(on: api)
        CheckInRoutes(services: services).register(on: api)
        WhatsAppWebhookRoutes(services: services).register(on: api)
        MemberRoutes(services: services).register(on: api)
        router.add(middleware: MethodNotAllowedMiddleware(routes: RouteMethods(router.routes)))
        return router
    }
}
