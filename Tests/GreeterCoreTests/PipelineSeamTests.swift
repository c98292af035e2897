import Dispatch
import Foundation
import Synchronization
import Testing
@testable import GreeterCore

/// Time that moves only when the test says.
private final class ManualClock: Sendable {
    let time = Mutex(1000.0)
    var clock: PipelineClock {
        PipelineClock(monotonic: { self.time.withLock { $0 } },
                      wall: { (1_700_000_000 + self.time.withLock { $0 }, TimeZone(identifier: "UTC")!) })
    }
    func set(_ t: Double) { time.withLock { $0 = t } }
}

/// Faces a test scripts: each detection returns the next frame's faces; each face's embedding is looked up by
/// its box's x, so a face keeps who it is from frame to frame.
private final class ScriptedModels: FaceModels {
    let frames: Mutex<[[DetectedFace]]>
    let embeddings: [Float: [Float]]
    let embedded = Mutex(0)
    /// When set, each embedding waits for it (a slow embedder), after counting itself in `embedded`.
    let release: DispatchSemaphore?

    init(frames: [[DetectedFace]], embeddings: [Float: [Float]], release: DispatchSemaphore? = nil) {
        self.frames = Mutex(frames)
        self.embeddings = embeddings
        self.release = release
    }

    func detect(_ image: Image, settings: FaceDetector.Settings) throws -> [DetectedFace] {
        frames.withLock { $0.isEmpty ? [] : $0.removeFirst() }
    }

    func embed(_ faces: [DetectedFace], in image: Image, aligner: FaceAligner) throws -> [[Float]] {
        embedded.withLock { $0 += faces.count }
        release?.wait()
        return faces.map { embeddings[$0.box.x]! }
    }
}

private final class RecordingSpeaker: Speaker {
    let said = Mutex<[String]>([])
    func say(_ text: String) throws -> Utterance {
        said.withLock { $0.append(text) }
        return Utterance(text: text, duration: 1, file: nil)
    }
}

/// The listener events a test looks at, in order.
private final class RecordingListener: DoorEventListener {
    let events = Mutex<[String]>([])
    func looked(_ look: FaceLook) { events.withLock { $0.append("looked \(look.trackID)") } }
    func decided(_ face: DecidedFace) { events.withLock { $0.append("decided \(face.trackID)") } }
    func ended(_ track: TrackID, at time: Date) { events.withLock { $0.append("ended \(track)") } }
}

/// A face at x with a box 100 px wide.
private func face(at x: Float) -> DetectedFace {
    let p = Point(x: x + 50, y: 100)
    return DetectedFace(box: Rect(x: x, y: 50, width: 100, height: 120), score: 0.99,
                        landmarks: Landmarks(leftEye: p, rightEye: p, nose: p, mouthLeft: p, mouthRight: p))
}

/// Alice on one axis, Bob on another, of a 4-d space; a point at L2 `distance` from `axis`.
private let gallery = Matcher(templates: [("Alice", "photo", [1, 0, 0, 0]), ("Bob", "photo", [0, 1, 0, 0])], dimension: 4)
private func near(axis: Int, at distance: Float) -> [Float] {
    let angle = 2 * asin(distance / 2)
    var v: [Float] = [0, 0, sin(angle), 0]
    v[axis] = cos(angle)
    return v
}

private func waitFor(_ what: String, _ condition: () -> Bool) throws {
    let deadline = MonotonicClock.now() + 30
    while !condition() {
        guard MonotonicClock.now() < deadline else { throw CancellationError() }
        usleep(2_000)
    }
}

@Suite struct PipelineSeamTests {
    /// Runs `frames` frames 100 ms apart through a pipeline with scripted faces, one frame at a time; returns
    /// what was said once the pipeline has finished.
    @discardableResult
    fileprivate func run(_ models: ScriptedModels, frames: Int, in dir: String, clock: ManualClock = ManualClock(),
             _ check: (DoorPipeline, RecordingSpeaker) throws -> Void = { _, _ in }) throws -> [String] {
        var settings = try PipelineSettings(Config())
        settings.motion.enabled = false
        let speaker = RecordingSpeaker()
        let pipeline = DoorPipeline(analyzer: models, speaker: speaker, matcher: gallery, settings: settings,
                                    greetingLog: GreetingLog.load(stateDirectory: dir).0,
                                    logger: .init(label: "test"), clock: clock.clock)
        for index in 0..<frames {
            let t = 1000 + 0.1 * Double(index)
            clock.set(t)
            pipeline.submit(Frame(image: Image(width: 320, height: 240), time: t, index: index))
            pipeline.waitUntilIdle()
        }
        try check(pipeline, speaker)
        pipeline.finish(timeout: 10)
        return speaker.said.withLock { $0 }
    }

    @Test func aClearFaceIsGreetedOnItsFirstLook() throws {
        try withTemporaryStateDirectory { dir in
            let models = ScriptedModels(frames: [[face(at: 10)]], embeddings: [10: near(axis: 0, at: 0.6)])
            try run(models, frames: 1, in: dir) { pipeline, speaker in
                try waitFor("greeting") { pipeline.statistics.greetings == 1 }
                #expect(speaker.said.withLock { $0 } == ["Welcome Alice"])
                #expect(models.embedded.withLock { $0 } == 1)
                #expect(pipeline.statistics.timeToGreetMilliseconds == [0])
                #expect(pipeline.statistics.firstSampleFromStreamStart == [.init(names: ["Alice"], milliseconds: 0)])
            }
        }
    }

    @Test func aBorderlineFaceIsGreetedAfterKLooks() throws {
        try withTemporaryStateDirectory { dir in
            let frames = Array(repeating: [face(at: 10)], count: 5)
            let models = ScriptedModels(frames: frames, embeddings: [10: near(axis: 1, at: 0.97)])
            try run(models, frames: 5, in: dir) { pipeline, speaker in
                try waitFor("greeting") { pipeline.statistics.greetings == 1 }
                #expect(speaker.said.withLock { $0 } == ["Welcome Bob"])
                // Three looks, 100 ms apart by the injected clock; the track is not embedded once it is named.
                #expect(pipeline.statistics.timeToGreetMilliseconds == [200])
                // The track began on the stream's first frame.
                #expect(pipeline.statistics.firstSampleFromStreamStart.map { [$0.names, [String(Int($0.milliseconds.rounded()))]] }
                        == [[["Bob"], ["200"]]])
                #expect(models.embedded.withLock { $0 } == 3)
            }
        }
    }

    @Test func aGroupIsGreetedOnceTheFaceItWaitedForHasLeft() throws {
        try withTemporaryStateDirectory { dir in
            // A stranger, one look (undecided), then Alice, clear at once: her greeting waits for the stranger.
            let models = ScriptedModels(frames: [[face(at: 300)], [face(at: 10)]],
                                        embeddings: [300: near(axis: 3, at: 0), 10: near(axis: 0, at: 0.6)])
            let clock = ManualClock()
            try run(models, frames: 2, in: dir, clock: clock) { pipeline, speaker in
                #expect(pipeline.statistics.greetings == 0)
                // The stranger's track has ended (lost after 1.5 s); the group window (1.5 s from 1000.1) has not.
                clock.set(1001.55)
                try waitFor("greeting") { pipeline.statistics.greetings == 1 }
                #expect(speaker.said.withLock { $0 } == ["Welcome Alice"])
            }
        }
    }

    @Test func aStrangerIsNotGreeted() throws {
        try withTemporaryStateDirectory { dir in
            let frames = Array(repeating: [face(at: 10)], count: 6)
            let models = ScriptedModels(frames: frames, embeddings: [10: near(axis: 3, at: 0)])
            let said = try run(models, frames: 6, in: dir)
            #expect(said.isEmpty)
            #expect(models.embedded.withLock { $0 } >= 3)
        }
    }

    /// The visit log opens a visit at a track's first look and closes it at its end: a look that came after the
    /// end would open one that never closed (the soak grew 4.5 MB a minute with their images).
    @Test func aLookThatComesBackAfterItsTrackEndedIsDropped() throws {
        try withTemporaryStateDirectory { dir in
            var settings = try PipelineSettings(Config())
            settings.motion.enabled = false
            let clock = ManualClock()
            let release = DispatchSemaphore(value: 0)
            let models = ScriptedModels(frames: [[face(at: 10)]], embeddings: [10: near(axis: 0, at: 0.6)],
                                        release: release)
            let listener = RecordingListener()
            let pipeline = DoorPipeline(analyzer: models, speaker: RecordingSpeaker(), matcher: gallery,
                                        settings: settings, greetingLog: GreetingLog.load(stateDirectory: dir).0,
                                        logger: .init(label: "test"), listeners: [listener], clock: clock.clock)
            clock.set(1000)
            pipeline.submit(Frame(image: Image(width: 320, height: 240), time: 1000, index: 0))
            try waitFor("embedding") { models.embedded.withLock { $0 } == 1 }
            clock.set(1000 + settings.tracker.lostAfter + 1)
            try waitFor("end") { listener.events.withLock { $0 } == ["ended 1"] }
            release.signal()
            pipeline.finish(timeout: 10)
            #expect(listener.events.withLock { $0 } == ["ended 1"])
            #expect(pipeline.statistics.greetings == 0)
        }
    }

    @Test func aStrangerWhoStaysFarFromEveryoneIsLookedAtLessAndLessOften() throws {
        try withTemporaryStateDirectory { dir in
            // 8 s at the door: three looks decide "unknown", looks every 0.2 s for 2 s, then 0.4, 0.8, 1.6, 2 s apart.
            let far = ScriptedModels(frames: Array(repeating: [face(at: 10)], count: 80),
                                     embeddings: [10: near(axis: 0, at: 1.4)])
            let saidToFar = try run(far, frames: 80, in: dir)
            #expect(saidToFar.isEmpty)
            #expect((14...20).contains(far.embedded.withLock { $0 }))
            // Near the threshold, the stranger may be Alice badly lit: looked at every 0.2 s all along.
            let close = ScriptedModels(frames: Array(repeating: [face(at: 10)], count: 80),
                                       embeddings: [10: near(axis: 0, at: 1.15)])
            let saidToClose = try run(close, frames: 80, in: dir)
            #expect(saidToClose.isEmpty)
            #expect(close.embedded.withLock { $0 } >= 26)
        }
    }

    @Test func theMotionGateSkipsAStillSceneUntilItsIdleInterval() throws {
        var gate = MotionGate(settings: .init(enabled: true, threshold: 6, idleInterval: 1))
        let still = Image(width: 64, height: 48)
        var lit = Image(width: 64, height: 48)
        lit.fillPolygon([Point(x: 0, y: 0), Point(x: 64, y: 0), Point(x: 64, y: 48), Point(x: 0, y: 48)],
                        color: .white, opacity: 1)
        #expect(try gate.shouldDetect(Frame(image: still, time: 0, index: 0)))
        #expect(try !gate.shouldDetect(Frame(image: still, time: 0.5, index: 1)))
        #expect(try gate.shouldDetect(Frame(image: still, time: 0.6, index: 2), need: .init(everyFrame: true)))
        #expect(try gate.shouldDetect(Frame(image: lit, time: 0.75, index: 3)))
        // A face standing still in view is detected every idle interval, so its track stays alive; with nobody
        // in view, five times less often.
        let inView = MotionGate.Need(faces: [Rect(x: 10, y: 10, width: 20, height: 20)])
        #expect(try !gate.shouldDetect(Frame(image: lit, time: 1.5, index: 4), need: inView))
        #expect(try gate.shouldDetect(Frame(image: lit, time: 1.75, index: 5), need: inView))
        #expect(try !gate.shouldDetect(Frame(image: lit, time: 6.5, index: 6)))
        #expect(try gate.shouldDetect(Frame(image: lit, time: 6.75, index: 7)))
    }

    @Test func theMailboxKeepsOnlyTheNewestWaitingItemAndStampsItsStart() throws {
        let release = DispatchSemaphore(value: 0)
        let handled = Mutex<[Int]>([])
        let box = LatestMailbox<Int>(label: "test", now: { 42 }) { item in
            if item == 1 { release.wait() }
            handled.withLock { $0.append(item) }
        }
        box.post(1)
        try waitFor("busy") { box.busySince != nil }
        #expect(box.busySince == 42)
        box.post(2)
        box.post(3)
        #expect(box.dropped == 1)
        release.signal()
        #expect(box.drain(timeout: 30))
        #expect(handled.withLock { $0 } == [1, 3])
        #expect(box.busySince == nil)
    }
}
