import Foundation
import Testing

/// A real `mosquitto` broker on a free loopback port, in a scratch directory; stopped (and its directory
/// removed) with the object. `stop()` and `start()` again keep the port, as a broker that restarts does.
final class MosquittoBroker {
    let port: Int
    let directory: String
    private var process: Process?
    var logFile: String { directory + "/mosquitto.log" }

    /// `user`: only this user (name, password) may connect; nil: anyone.
    init(user: (name: String, password: String)? = nil) throws {
        directory = try TestPaths.scratchDirectory("mosquitto")
        port = try Self.freeLoopbackPort()
        // On 127.0.0.1 only; no persistence, so a restarted broker has forgotten every retained message and
        // whatever the daemon re-publishes is seen.
        // As the test's own user: started by root, mosquitto would become user mosquitto, who may not see
        // into this directory.
        let me = String(cString: getpwuid(getuid()).pointee.pw_name)
        var config = "listener \(port) 127.0.0.1\npersistence false\nuser \(me)\n"
        if let user {
            let passwords = directory + "/passwords"
            let tool = Process()
            tool.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_passwd")
            tool.arguments = ["-c", "-b", passwords, user.name, user.password]
            try tool.run()
            tool.waitUntilExit()
            try #require(tool.terminationStatus == 0, "mosquitto_passwd failed")
            config += "allow_anonymous false\npassword_file \(passwords)\n"
        } else {
            config += "allow_anonymous true\n"
        }
        try config.write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts it and returns once it accepts connections.
    func start(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let binary = try #require(["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }, "no mosquitto broker: scripts/setup installs the Debian package mosquitto", sourceLocation: sourceLocation)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-c", directory + "/mosquitto.conf"]
        if !FileManager.default.fileExists(atPath: logFile) { _ = FileManager.default.createFile(atPath: logFile, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(DaemonUnderTest.patience)
        while !Self.accepts(port: port) {
            try #require(process.isRunning, "mosquitto exited: \(logText)", sourceLocation: sourceLocation)
            try #require(Date() < deadline, "mosquitto does not listen on \(port): \(logText)", sourceLocation: sourceLocation)
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// SIGKILL: a child of the test runner inherits its blocked SIGTERM, and a broker that dies is what the
    /// daemon must survive anyway.
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var logText: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Publishes one message with `mosquitto_pub`.
    func publish(_ topic: String, _ payload: String, retain: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
        process.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic, "-m", payload]
            + (retain ? ["-r"] : []) + login
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "mosquitto_pub -t \(topic) failed")
    }

    /// mosquitto_pub and mosquitto_sub log in as this user.
    var login: [String] = []

    private static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0, "cannot bind a loopback port: \(String(cString: strerror(errno)))")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

/// `mosquitto_sub` on some topics, its messages collected in a file (one line each: retain flag, topic, payload).
final class MQTTSubscriber {
    struct Message: Equatable {
        let retained: Bool
        let topic: String
        let payload: String
    }

    private let process = Process()
    private let file: String

    /// Returns once the subscription is in place.
    /// `hex`: payloads as hexadecimal (for images).
    init(broker: MosquittoBroker, topics: [String], hex: Bool = false,
         sourceLocation: SourceLocation = #_sourceLocation) async throws {
        file = broker.directory + "/sub-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        let probe = "probe/\(UUID().uuidString)"
        process.arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-F", hex ? "%r\t%t\t%x" : "%r\t%t\t%p", "-t", probe]
            + broker.login
            + topics.flatMap { ["-t", $0] }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(DaemonUnderTest.patience)
        // mosquitto_sub has connected and subscribed when a probe it subscribed to comes back.
        while !messages.contains(where: { $0.topic == probe }) {
            try #require(process.isRunning && Date() < deadline, "mosquitto_sub did not subscribe", sourceLocation: sourceLocation)
            try broker.publish(probe, "probe")
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)  // SIGTERM is blocked, as for the broker
            process.waitUntilExit()
        }
    }

    /// Everything received so far, in order (binary payloads such as JPEGs come out garbled; they are not read).
    var messages: [Message] {
        // Decoded leniently: a JPEG among the messages is not UTF-8.
        let text = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "0" || parts[0] == "1" else { return nil }
            return Message(retained: parts[0] == "1", topic: String(parts[1]), payload: String(parts[2]))
        }
    }

    /// Waits for a message on `topic` (received at position `index` or later) whose payload satisfies `matches`;
    /// the daemon must stay up meanwhile unless `daemon` is nil.
    @discardableResult
    func waitFor(
        _ topic: String, from index: Int = 0, daemon: DaemonUnderTest?, sourceLocation: SourceLocation = #_sourceLocation,
        _ matches: @escaping (String) -> Bool = { _ in true }
    ) async throws -> (index: Int, message: Message) {
        let found = { () -> (Int, Message)? in
            let all = self.messages
            return all.indices.dropFirst(index).first { all[$0].topic == topic && matches(all[$0].payload) }
                .map { ($0, all[$0]) }
        }
        if let daemon {
            return try await daemon.waitFor("a message on \(topic)", sourceLocation: sourceLocation, found)
        }
        let deadline = Date().addingTimeInterval(DaemonUnderTest.patience)
        while Date() < deadline {
            if let hit = found() { return hit }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no message on \(topic) after \(Int(DaemonUnderTest.patience)) s; got \(messages.map(\.topic))",
                     sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// The JSON object of a payload.
    static func json(_ payload: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(payload.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(payload)", sourceLocation: sourceLocation)
    }
}
