import Glibc
import GreeterCore
import Testing

@Suite struct SystemdNotifierTests {
    /// A datagram socket bound where systemd's would be; `address` is what goes into NOTIFY_SOCKET.
    final class FakeSystemd {
        let fd: Int32
        let address: String
        private let directory: String?

        /// A socket file in a scratch directory, or (abstract) a name in the abstract namespace.
        init(abstract: Bool) throws {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            try #require(fd >= 0)
            var name: [UInt8]
            if abstract {
                address = "@door-greeter-test-\(getpid())-\(UInt32.random(in: 0 ... .max))"
                directory = nil
                name = Array(address.utf8)
                name[0] = 0
            } else {
                let directory = SystemTestSupport.scratchDirectory("notify")
                self.directory = directory
                address = directory + "/notify.sock"
                name = Array(address.utf8)
            }
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: name) }
            let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count)
            let bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            try #require(bound == 0)
        }

        deinit {
            close(fd)
            if let directory { SystemTestSupport.removeTree(directory) }
        }

        /// The next datagram; a local datagram is queued by the time sendto returns, so no waiting.
        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            return count < 0 ? nil : String(decoding: buffer[..<count], as: UTF8.self)
        }
    }

    private func sendEverything(to fake: FakeSystemd) throws {
        let notifier = try SystemdNotifier(environment: ["NOTIFY_SOCKET": fake.address])
        try notifier.ready()
        #expect(fake.receive() == "READY=1")
        try notifier.reloading()
        let reloading = try #require(fake.receive())
        #expect(reloading.wholeMatch(of: /RELOADING=1\nMONOTONIC_USEC=[1-9][0-9]*/) != nil)
        try notifier.ready()
        #expect(fake.receive() == "READY=1")
        try notifier.watchdog()
        #expect(fake.receive() == "WATCHDOG=1")
        try notifier.status("3 people known\nwatching /dev/video0")
        #expect(fake.receive() == "STATUS=3 people known watching /dev/video0")
        try notifier.stopping()
        #expect(fake.receive() == "STOPPING=1")
        #expect(fake.receive() == nil)
    }

    @Test func notifiesASocketGivenByPath() throws {
        try sendEverything(to: FakeSystemd(abstract: false))
    }

    @Test func notifiesAnAbstractSocketGivenWithAnAt() throws {
        try sendEverything(to: FakeSystemd(abstract: true))
    }

    @Test func reloadTimestampsFollowTheMonotonicClock() throws {
        let fake = try FakeSystemd(abstract: true)
        let notifier = try SystemdNotifier(environment: ["NOTIFY_SOCKET": fake.address])
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let before = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
        try notifier.reloading()
        let sent = try #require(fake.receive()?.split(separator: "=").last.flatMap { Int64($0) })
        clock_gettime(CLOCK_MONOTONIC, &now)
        #expect(sent >= before && sent <= Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000)
    }

    @Test func withoutNotifySocketEverythingIsANoOp() throws {
        let notifier = try SystemdNotifier(environment: [:])
        #expect(notifier.socket == nil)
        #expect(notifier.watchdogInterval == nil)
        try notifier.ready()
        try notifier.stopping()
    }

    @Test func aMissingSocketIsAnErrorNamingIt() throws {
        let notifier = try SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"])
        let error = try #require(throws: SystemError.self) { try notifier.ready() }
        #expect(error.description == "cannot send READY=1 to NOTIFY_SOCKET=/nonexistent/notify.sock: No such file or directory")
    }

    @Test func watchdogIntervalComesFromWatchdogUsecWhenItIsOurs() throws {
        let ours = try SystemdNotifier(environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(ours.watchdogInterval == .seconds(3))
        #expect(ours.watchdogPingInterval == .milliseconds(1500))
        let noPID = try SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000"])
        #expect(noPID.watchdogInterval == .seconds(20))
        let parents = try SystemdNotifier(environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "1"], pid: 4242)
        #expect(parents.watchdogInterval == nil)
    }

    @Test(arguments: [
        (["WATCHDOG_USEC": "soon"], "WATCHDOG_USEC=soon is not a positive whole number of microseconds"),
        (["WATCHDOG_USEC": "0"], "WATCHDOG_USEC=0 is not a positive whole number of microseconds"),
        (["WATCHDOG_USEC": "5", "WATCHDOG_PID": "me"], "WATCHDOG_PID=me is not a process id"),
        (["NOTIFY_SOCKET": "run/notify"], "NOTIFY_SOCKET=run/notify is neither an absolute path nor an @abstract name"),
        (
            ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 120)],
            "NOTIFY_SOCKET=/\(String(repeating: "x", count: 120)) is longer than a unix socket address can be"
        ),
    ])
    func badVariablesAreErrorsNamingTheValue(environment: [String: String], message: String) throws {
        let error = try #require(throws: NotifierError.self) { try SystemdNotifier(environment: environment) }
        #expect(error.description == message)
    }
}
