import Glibc

/// Talks to systemd the way sd_notify(3) does, without libsystemd: each state change is one datagram of
/// `KEY=value` lines sent to the AF_UNIX socket named by `$NOTIFY_SOCKET`. Outside a `Type=notify` service
/// the variable is unset and every call does nothing.
public struct SystemdNotifier: Sendable {
    /// The socket as systemd gave it: a path, or `@name` for an abstract socket. nil: not under systemd.
    public let socket: String?
    /// How often systemd expects `WATCHDOG=1` at the latest (`$WATCHDOG_USEC`); nil when no watchdog is
    /// set for this process.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`. A `WATCHDOG_PID`
    /// other than `pid` means the watchdog belongs to another process (our parent), so it is ignored.
    public init(environment: [String: String], pid: pid_t = getpid()) throws {
        let socket = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let socket {
            guard socket.hasPrefix("/") || socket.hasPrefix("@") else {
                throw NotifierError("NOTIFY_SOCKET=\(socket) is neither an absolute path nor an @abstract name")
            }
            guard socket.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
                throw NotifierError("NOTIFY_SOCKET=\(socket) is longer than a unix socket address can be")
            }
        }
        self.socket = socket
        self.watchdogInterval = try Self.watchdog(environment, pid: pid)
    }

    /// From the process environment.
    public static func fromEnvironment() throws -> SystemdNotifier {
        var environment: [String: String] = [:]
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return try SystemdNotifier(environment: environment)
    }

    /// How often to send `WATCHDOG=1`: half the interval, as sd_watchdog_enabled(3) recommends.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// Startup finished; for `Type=notify-reload` also after a reload finished.
    public func ready() throws { try notify("READY=1") }

    /// A reload began; systemd needs the monotonic time with it to tell this reload from older ones.
    public func reloading() throws {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
        try notify("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    public func stopping() throws { try notify("STOPPING=1") }

    public func watchdog() throws { try notify("WATCHDOG=1") }

    /// One line shown by `systemctl status`; newlines would end the field, so they become spaces.
    public func status(_ text: String) throws {
        let line = String(text.map { $0.isNewline ? " " : $0 })
        try notify("STATUS=\(line)")
    }

    /// Sends `state` (newline-separated assignments) as one datagram; does nothing without a socket.
    public func notify(_ state: String) throws {
        guard let socket else { return }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("cannot create a socket to notify systemd") }
        defer { close(fd) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // An abstract name starts with a NUL byte instead of "@" and is not NUL-terminated.
        var name = Array(socket.utf8)
        if name.first == UInt8(ascii: "@") { name[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count)

        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, payload, payload.count, Int32(MSG_NOSIGNAL), $0, length)
            }
        }
        guard sent == payload.count else {
            throw SystemError("cannot send \(state.split(separator: "\n").first ?? "") to NOTIFY_SOCKET=\(socket)")
        }
    }

    private static func watchdog(_ environment: [String: String], pid: pid_t) throws -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], !text.isEmpty else { return nil }
        guard let microseconds = UInt64(text), microseconds > 0, microseconds <= UInt64(Int64.max) else {
            throw NotifierError("WATCHDOG_USEC=\(text) is not a positive whole number of microseconds")
        }
        if let pidText = environment["WATCHDOG_PID"], !pidText.isEmpty {
            guard let watchdogPID = pid_t(pidText), watchdogPID > 0 else {
                throw NotifierError("WATCHDOG_PID=\(pidText) is not a process id")
            }
            if watchdogPID != pid { return nil }
        }
        return .microseconds(Int64(microseconds))
    }
}

/// A systemd variable that cannot be used as it is.
public struct NotifierError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
