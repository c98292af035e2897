import Foundation
import Testing

/// One `door-greeter run` child process on the Hamilton clip, in a scratch directory of its own (gallery,
/// state, WAV output, config, stderr log), which goes away with the object; a daemon still running then is killed.
final class DaemonUnderTest {
    let directory: String
    var gallery: String { directory + "/gallery" }
    var state: String { directory + "/state" }
    var wavDirectory: String { directory + "/wav" }
    var configFile: String { directory + "/door-greeter.toml" }
    var logFile: String { directory + "/stderr.log" }
    private let process = Process()

    /// Waits give up after this long without progress (a new log line): it only keeps a broken daemon from hanging
    /// the suite, and a loaded machine that is slow but busy is given the time it needs. Nothing is asserted about
    /// speed.
    static let patience: Double = 120
    /// However busy the log, no wait lasts longer than this (a daemon logging the same line forever).
    static let longestWait: Double = 900

    /// Starts the daemon with the example photos named in `photos` (file names) in its gallery and returns once
    /// it logged a line containing `until`. `config` nil: all defaults (`--config /dev/null`).
    /// `loop`: replay the clip until stopped. `camera`: no `--source`, the config's camera. `source`: another video
    /// or image folder than the clip. `environment`: extra
    /// variables. `watchdogPIDIsOwn`: start through a shell that sets WATCHDOG_PID to its own pid and then execs
    /// the daemon, which keeps that pid, as systemd does. `prepare` gets the gallery folder before the start.
    static func start(
        photos: [String], config: String?, loop: Bool, camera: Bool = false, source: String? = nil,
        environment: [String: String] = [:],
        watchdogPIDIsOwn: Bool = false, until: String = "door-greeter: ready: ",
        sourceLocation: SourceLocation = #_sourceLocation, prepare: (String) throws -> Void = { _ in }
    ) async throws -> DaemonUnderTest {
        let daemon = try DaemonUnderTest(photos: photos, config: config)
        try prepare(daemon.gallery)
        // Photos put there before the start are settled, as a user's would be: the models load in well under
        // Gallery.settleSeconds, so photos copied just now would only be enrolled after the start.
        try daemon.backdateGallery()
        try daemon.launch(loop: loop, camera: camera, source: source, environment: environment,
                          watchdogPIDIsOwn: watchdogPIDIsOwn)
        try await daemon.waitForLine("the daemon to log \"\(until)\"", sourceLocation: sourceLocation) {
            $0.contains(until)
        }
        return daemon
    }

    private init(photos: [String], config: String?) throws {
        directory = try TestPaths.scratchDirectory("daemon")
        try FileManager.default.createDirectory(atPath: gallery, withIntermediateDirectories: false)
        for photo in photos { try addToGallery(photo) }
        if let config { try writeConfig(config) }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func backdateGallery() throws {
        let past = Date(timeIntervalSinceNow: -60)
        for name in try FileManager.default.subpathsOfDirectory(atPath: gallery) {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: gallery + "/" + name)
        }
    }

    private func launch(loop: Bool, camera: Bool, source: String?, environment: [String: String],
                        watchdogPIDIsOwn: Bool) throws {
        let binary = try TestPaths.daemon()
        var arguments = [
            "run", "--config", FileManager.default.fileExists(atPath: configFile) ? configFile : "/dev/null",
            "--models", try TestPaths.required(TestPaths.models),
            "--speech", "wav:\(wavDirectory)", "--gallery", gallery, "--state-dir", state,
        ]
        if !camera { arguments += ["--source", try source ?? TestPaths.required(TestPaths.hamiltonClip)] }
        if loop { arguments.append("--loop") }
        if watchdogPIDIsOwn {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "WATCHDOG_PID=$$ exec \"$0\" \"$@\"", binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        // Not the test runner's own systemd variables, if it has any: only what the test sets.
        var inherited = ProcessInfo.processInfo.environment
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] { inherited[name] = nil }
        process.environment = inherited.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    // MARK: Acting on it

    func addToGallery(_ photo: String) throws {
        let source = try TestPaths.required("\(TestPaths.examplePhotos)/\(photo)")
        try FileManager.default.copyItem(atPath: source, toPath: "\(gallery)/\(photo)")
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configFile, atomically: true, encoding: .utf8)
    }

    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    var isRunning: Bool { process.isRunning }

    /// kill -9, as a power cut or the OOM killer would, and waits for it to be gone.
    func killAndWait() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func makeFIFO(_ path: String) throws {
        try #require(mkfifo(path, 0o644) == 0, "mkfifo \(path): \(String(cString: strerror(errno)))")
    }

    /// The permission bits of a file or folder.
    static func mode(of path: String) throws -> mode_t {
        var info = stat()
        try #require(stat(path, &info) == 0, "stat \(path): \(String(cString: strerror(errno)))")
        return info.st_mode & 0o7777
    }

    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Rows in an embedding cache's /photos, read by h5py: an outside reader of the HDF5 file.
    static func cachedPhotoCount(_ path: String) throws -> Int {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = ["-c", "import h5py, sys; print(len(h5py.File(sys.argv[1], 'r')['photos/path']))", path]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        return try #require(Int(output.trimmingCharacters(in: .whitespacesAndNewlines)), "h5py on \(path): \(output)")
    }

    // MARK: Watching it

    /// Everything it logged so far, one entry per line.
    var log: [String] {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The text of each "greeted:" line, e.g. `Welcome Lin Manuel Miranda`, from line `index` on.
    func greetings(from index: Int = 0) -> [String] {
        log.dropFirst(index).compactMap { $0.firstMatch(of: /greeted: "([^"]*)"/).map { String($0.1) } }
    }

    /// Waits for a log line (at `index` or later) that satisfies `matches` and returns its index. Fails with
    /// the log when the daemon exits first or the patience runs out.
    @discardableResult
    func waitForLine(
        _ what: String, from index: Int = 0, sourceLocation: SourceLocation = #_sourceLocation,
        _ matches: (String) -> Bool
    ) async throws -> Int {
        try await waitFor(what, sourceLocation: sourceLocation) {
            let lines = log
            return lines.indices.dropFirst(index).first { matches(lines[$0]) }
        }
    }

    /// Polls `condition` until it holds; the daemon must stay up meanwhile.
    func waitUntil(
        _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool
    ) async throws {
        try await waitFor(what, sourceLocation: sourceLocation) { condition() ? true : nil }
    }

    /// Polls `found` until it gives a value; the daemon must stay up meanwhile.
    @discardableResult
    func waitFor<T>(
        _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ found: () -> T?
    ) async throws -> T {
        var deadline = Date().addingTimeInterval(Self.patience)
        let cap = Date().addingTimeInterval(Self.longestWait)
        var logSize = 0
        while Date() < min(deadline, cap) {
            if let value = found() { return value }
            if let size = Self.fileSize(logFile), size != logSize {
                (logSize, deadline) = (size, Date().addingTimeInterval(Self.patience))
            }
            if !process.isRunning {
                if let value = found() { return value }
                Issue.record("daemon exited (\(exitDescription)) before \(what)\n\(logTail)", sourceLocation: sourceLocation)
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        // A test task starved past the deadline (a loaded machine, many tests at once) looks once more before it
        // gives up: CI saw "gave up waiting for ready" with the ready line in the log.
        if let value = found() { return value }
        Issue.record("gave up waiting for \(what) (\(Int(Self.patience)) s without a new log line, or \(Int(Self.longestWait)) s)\n\(logTail)", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// Waits for the process to end by itself; returns its exit status (a signal death fails the test).
    func waitForExit(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int32 {
        try await waitForExitTimed(sourceLocation: sourceLocation).status
    }

    /// Sends SIGTERM and waits for the exit: returns the exit status and the seconds it took.
    func terminate(sourceLocation: SourceLocation = #_sourceLocation) async throws -> (status: Int32, seconds: Double) {
        send(SIGTERM)
        return try await waitForExitTimed(sourceLocation: sourceLocation)
    }

    private func waitForExitTimed(sourceLocation: SourceLocation) async throws -> (status: Int32, seconds: Double) {
        let start = Date()
        let deadline = start.addingTimeInterval(Self.patience)
        while process.isRunning {
            guard Date() < deadline else {
                Issue.record("daemon still running after \(Int(Self.patience)) s\n\(logTail)", sourceLocation: sourceLocation)
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let seconds = Date().timeIntervalSince(start)
        try #require(process.terminationReason == .exit, "daemon died: \(exitDescription)\n\(logTail)",
                     sourceLocation: sourceLocation)
        return (process.terminationStatus, seconds)
    }

    private var exitDescription: String {
        process.terminationReason == .exit
            ? "exit status \(process.terminationStatus)" : "signal \(process.terminationStatus)"
    }

    /// The end of the log, for failure messages.
    var logTail: String {
        "--- \(logFile), last lines:\n" + log.suffix(40).joined(separator: "\n")
    }
}
