import Foundation
import SQL
import Storage

/// A PostgreSQL cluster of one test's own, which the test may stop and start again without
/// disturbing the suites sharing the test cluster: initdb into a temporary folder, on loopback,
/// on a free port, as the `postgres` user when the tests run as root. Its binaries come from
/// the test cluster's installation (STUDIOLOOP_TEST_POSTGRES_BIN, set by scripts/with-postgres).
public final class PrivatePostgres: Sendable {
    public let port: Int
    let folder: URL
    let bin: URL
    /// A database owned by a plain role (row-level security applies), as the application connects.
    public let url: String

    public init() throws {
        guard let bin = ProcessInfo.processInfo.environment["STUDIOLOOP_TEST_POSTGRES_BIN"], !bin.isEmpty else {
            throw StoreError.invalid("STUDIOLOOP_TEST_POSTGRES_BIN is not set: run the tests with scripts/test")
        }
        self.bin = URL(filePath: bin)
        folder = FileManager.default.temporaryDirectory.appending(path: "sl-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = try freePort()
        url = "postgresql://studioloop_app@127.0.0.1:\(port)/studioloop"
        if getuid() == 0 { try Self.run("/usr/bin/chown", ["postgres", folder.path]) }
        try command("initdb", ["-D", folder.appending(path: "data").path, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale"])
        try start()
        let admin = try PostgresConnection(url: "postgresql://postgres@127.0.0.1:\(port)/postgres")
        try admin.query("CREATE ROLE studioloop_app LOGIN NOSUPERUSER NOBYPASSRLS")
        try admin.query("CREATE DATABASE studioloop OWNER studioloop_app")
    }

    deinit {
        try? command("pg_ctl", ["-D", folder.appending(path: "data").path, "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts the server and waits until it takes connections.
    public func start() throws {
        try command("pg_ctl", [
            "-D", folder.appending(path: "data").path, "-l", folder.appending(path: "server.log").path, "-w", "-o",
            "-c listen_addresses=127.0.0.1 -p \(port) -k \(folder.path) -c fsync=off", "start",
        ])
    }

    /// Stops the server the way an operator restarting it would: open connections are closed.
    public func stop() throws {
        try command("pg_ctl", ["-D", folder.appending(path: "data").path, "-m", "fast", "-w", "stop"])
    }

    private func command(_ name: String, _ arguments: [String]) throws {
        let path = bin.appending(path: name).path
        if getuid() == 0 {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        } else {
            try Self.run(path, arguments)
        }
    }

    /// Runs a program to its end, its output discarded. `posix_spawn` and `waitpid` rather than
    /// Foundation's `Process`, whose wait for a child that leaves a daemon behind (`pg_ctl start`)
    /// can miss the child's exit.
    private static func run(_ path: String, _ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { throw StoreError.invalid("cannot run \(path)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WEXITSTATUS: the exit code is the second byte of the status.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw StoreError.invalid("\(path) \(arguments.joined(separator: " ")) failed (status \(status))")
        }
    }
}
