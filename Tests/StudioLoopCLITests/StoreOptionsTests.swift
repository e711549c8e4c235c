import Testing

@testable import StudioLoopCLI

/// What the server prints of its store's address: never a password.
struct StoreOptionsTests {
    @Test(arguments: [
        ("postgresql://app@db/studioloop", "postgresql://app@db/studioloop"),
        ("postgres://app:s3cret@db:5432/studioloop", "postgres://app:•••@db:5432/studioloop"),
        ("postgresql://app:s3cret@db1:5432,db2:5432/studioloop?target_session_attrs=read-write",
         "postgresql://app:•••@db1:5432,db2:5432/studioloop?target_session_attrs=read-write"),
        ("postgresql://app@db1,db2/studioloop?password=s3cret&target_session_attrs=read-write",
         "postgresql://app@db1,db2/studioloop?password=•••&target_session_attrs=read-write"),
        (".studioloop/studioloop.sqlite", ".studioloop/studioloop.sqlite"),
    ])
    func theDisplayNameHidesThePassword(url: String, shown: String) throws {
        let options = try StoreOptions.parse(["--database", url])
        #expect(options.displayName == shown)
        #expect(!options.displayName.contains("s3cret"))
    }
}

/// Where `serve` keeps its index snapshot: beside an embedded store unless told, nowhere by
/// default on PostgreSQL, nowhere with `off`.
struct SnapshotLocationTests {
    @Test(arguments: [
        (["--database", "/var/lib/studioloop/gyms.sqlite"], "/var/lib/studioloop/gyms.sqlite.index"),
        (["--database", "/var/lib/studioloop/gyms.sqlite", "--index-snapshot", "/fast/index"], "/fast/index"),
        (["--database", "/var/lib/studioloop/gyms.sqlite", "--index-snapshot", "off"], nil),
        (["--database", "postgres://app@db/studioloop"], nil),
        (["--database", "postgres://app@db/studioloop", "--index-snapshot", "/srv/a.index"], "/srv/a.index"),
    ] as [([String], String?)])
    func theSnapshotGoesWhereItIsToldOrBesideTheEmbeddedStore(arguments: [String], path: String?) throws {
        let serve = try Serve.parse(arguments)
        #expect(serve.snapshotLocation?.path == path)
    }
}
