import Logging
import Synchronization
import Testing
@testable import GreeterCore

@Suite struct ReconnectingSourceTests {
    /// A camera that delivers `frames` frames and then is lost.
    final class Camera: FrameSource {
        let description: String
        private var left: Int
        init(name: String, frames: Int) { description = name; left = frames }
        func next() throws -> Frame? {
            guard left > 0 else { throw CameraError.lost(path: description, reason: "unplugged") }
            left -= 1
            return Frame(image: Image(width: 2, height: 2), time: 0, index: 0)
        }
        func close() {}
    }

    final class Lines: Sendable {
        let all = Mutex<[String]>([])
    }

    /// Keeps what is logged, to check the loss is told once and the recovery once.
    struct Recorder: LogHandler {
        let lines: Lines
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? { get { nil } set {} }
        func log(event: LogEvent) { lines.all.withLock { $0.append("\(event.level): \(event.message)") } }
    }

    @Test func carriesOnAcrossALossWithContinuousIndices() throws {
        let lines = Lines()
        let logger = Logger(label: "test") { _ in Recorder(lines: lines) }
        let connection = Mutex<[Bool]>([])
        var opens = 0
        let source = try ReconnectingSource(logger: logger, onConnection: { up in connection.withLock { $0.append(up) } }) {
            opens += 1
            switch opens {
            case 1: return Camera(name: "cam-a", frames: 2)
            case 2, 3: throw CameraError.noDevice(path: "/dev/video0")
            default: return Camera(name: "cam-b", frames: 100)
            }
        }
        let indices = try (0..<5).map { _ in try #require(try source.next()).index }
        #expect(indices == [0, 1, 2, 3, 4])
        #expect(opens == 4)
        #expect(source.description == "cam-b")
        #expect(connection.withLock { $0 } == [false, true])  // lost once, back once: what MQTT's state shows
        let logged = lines.all.withLock { $0 }
        #expect(logged.filter { $0.hasPrefix("warning:") && $0.contains("cam-a lost: unplugged") }.count == 1)
        #expect(logged.filter { $0.contains("still waiting") }.count == 1)  // two failed attempts, one reason
        #expect(logged.filter { $0.hasPrefix("notice:") && $0.contains("camera back after") && $0.contains("cam-b") }.count == 1)
    }

    @Test func aCameraMissingAtStartIsTheCallersError() {
        #expect(throws: CameraError.noDevice(path: "/dev/video0")) {
            try ReconnectingSource(logger: Logger(label: "test")) { throw CameraError.noDevice(path: "/dev/video0") }
        }
    }

    @Test func stopsWaitingWhenAskedTo() throws {
        final class Flag: Sendable { let raised = Atomic<Bool>(false) }
        let stopping = Flag()
        var opens = 0
        let source = try ReconnectingSource(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, isStopping: { stopping.raised.load(ordering: .relaxed) }) {
            opens += 1
            if opens == 1 { return Camera(name: "cam", frames: 0) }
            stopping.raised.store(true, ordering: .relaxed)
            throw CameraError.noDevice(path: "/dev/video0")
        }
        #expect(try source.next() == nil)
    }
}
