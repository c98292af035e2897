import Dispatch
import Foundation
import Logging
import Synchronization

/// The running recogniser: capture → detect → track → align+embed+match → votes → greeting policy → speech,
/// each stage on its own queue. Between the heavy stages a `LatestMailbox` keeps only the newest work, so a slow
/// stage drops stale frames instead of queueing them; state that decides (tracks, votes, the policy) lives on one
/// serial queue, so it needs no locks.
public final class DoorPipeline: Sendable {
    private let models: any FaceModels
    private let clock: PipelineClock
    private let speaker: any Speaker
    private let listeners: [any DoorEventListener]
    private let logger: Logger
    private let settings: Mutex<PipelineSettings>
    private let matcher: Mutex<Matcher>
    private let stats = Mutex(PipelineStats())
    /// The time of the first frame submitted, on the monotonic clock: where a stream's greetings are timed from.
    private let streamStart = Mutex<Double?>(nil)
    private let decisions = DispatchQueue(label: "door-greeter.decide")
    private let speech = DispatchQueue(label: "door-greeter.speech")
    // Touched only on `decisions` (asserted by the accessors below).
    private nonisolated(unsafe) var confinedState: DecisionState
    private nonisolated(unsafe) var confinedMotion: MotionGate
    private nonisolated(unsafe) var timer: DispatchSourceTimer?
    private let detectStage: Mutex<LatestMailbox<Frame>?> = Mutex(nil)
    private let embedStage: Mutex<LatestMailbox<EmbedJob>?> = Mutex(nil)

    struct EmbedJob: Sendable {
        let image: Image
        let faces: [(track: TrackID, face: DetectedFace)]
    }

    private var state: DecisionState {
        _read { dispatchPrecondition(condition: .onQueue(decisions)); yield confinedState }
        _modify { dispatchPrecondition(condition: .onQueue(decisions)); yield &confinedState }
    }

    private var motion: MotionGate {
        _read { dispatchPrecondition(condition: .onQueue(decisions)); yield confinedMotion }
        _modify { dispatchPrecondition(condition: .onQueue(decisions)); yield &confinedMotion }
    }

    /// `analyzer` is the real `FaceAnalyzer`, or scripted faces in tests; `clock` is the system's but in tests.
    public init(analyzer: any FaceModels, speaker: any Speaker, matcher: Matcher, settings: PipelineSettings,
                greetingLog: GreetingLog, logger: Logger, listeners: [any DoorEventListener] = [],
                clock: PipelineClock = .system) {
        models = analyzer
        self.clock = clock
        self.speaker = speaker
        self.listeners = listeners
        self.logger = logger
        self.settings = Mutex(settings)
        self.matcher = Mutex(matcher)
        confinedState = DecisionState(settings: settings, log: greetingLog)
        confinedMotion = MotionGate(settings: settings.motion)
        detectStage.withLock {
            $0 = LatestMailbox(label: "door-greeter.detect", now: clock.monotonic) { [unowned self] in self.detect($0) }
        }
        embedStage.withLock {
            $0 = LatestMailbox(label: "door-greeter.embed", now: clock.monotonic) { [unowned self] in self.embed($0) }
        }
        let timer = DispatchSource.makeTimerSource(queue: decisions)
        timer.schedule(deadline: .now() + 0.1, repeating: 0.1)
        timer.setEventHandler { [unowned self] in self.tick() }
        timer.resume()
        self.timer = timer
    }

    /// Hands a captured frame to the detector (the capture loop calls this; it never blocks).
    public func submit(_ frame: Frame) {
        stats.withLock { $0.framesCaptured += 1 }
        streamStart.withLock { $0 = $0 ?? frame.time }
        detectStage.withLock { $0 }?.post(frame)
    }

    /// Waits until the frames submitted so far have gone through every stage: a file read as fast as possible
    /// is paced by the pipeline instead of losing frames to the mailboxes.
    public func waitUntilIdle() {
        _ = detectStage.withLock { $0 }?.drain(timeout: .infinity)
        decisions.sync {}
        _ = embedStage.withLock { $0 }?.drain(timeout: .infinity)
        decisions.sync {}
        speech.sync {}  // a greeting decided by this frame is timed before the next frame comes
    }

    /// A reload: new thresholds, votes, cooldowns and texts take effect from the next frame.
    public func apply(_ new: PipelineSettings) {
        settings.withLock { $0 = new }
        decisions.async { [self] in
            state.reconfigure(new)
            motion.settings = new.motion
        }
    }

    /// A rescanned gallery.
    public func replaceGallery(_ new: Matcher) {
        matcher.withLock { $0 = new }
    }

    public var statistics: PipelineStats {
        var snapshot = stats.withLock { $0 }
        snapshot.framesDropped = (detectStage.withLock { $0 }?.dropped ?? 0) + (embedStage.withLock { $0 }?.dropped ?? 0)
        return snapshot
    }

    /// False when a stage has been stuck on one item for longer than `limit` seconds: the watchdog stops
    /// pinging and systemd restarts the process.
    public func isHealthy(limit: Double) -> Bool {
        let now = clock.monotonic()
        let stuck = [detectStage.withLock { $0 }?.busySince, embedStage.withLock { $0 }?.busySince]
            .compactMap { $0 }.contains { now - $0 > limit }
        return !stuck
    }

    /// Lets queued work finish (the last frames of a file, a pending group greeting, the utterance in progress).
    public func finish(timeout: Double) {
        let deadline = MonotonicClock.now() + timeout
        _ = detectStage.withLock { $0 }?.drain(timeout: timeout)
        decisions.sync {}  // the last detection's tracking may still post an embedding job
        _ = embedStage.withLock { $0 }?.drain(timeout: max(0, deadline - MonotonicClock.now()))
        decisions.sync { [self] in
            let moment = clock.moment()
            handle(state.flushAll(now: moment))
            ended(state.trackIDs, at: moment)
            timer?.cancel()
        }
        speech.sync {}
    }

    // MARK: Stages

    private func detect(_ frame: Frame) {
        let current = settings.withLock { $0 }
        do {
            // With a look already waiting for the busy embedder, a detection for the undecided would only swap it
            // for one a frame newer (most of a face-in-view second's detections were that); motion elsewhere and
            // due looks still count.
            let embedderBacklogged = embedStage.withLock { $0 }?.isHolding == true
            let worth = try decisions.sync {
                var need = state.detectionNeed(at: frame.time)
                if embedderBacklogged { need.everyFrame = false }
                return try motion.shouldDetect(frame, need: need)
            }
            guard worth else {
                stats.withLock { $0.framesStatic += 1 }
                return
            }
            let faces = try models.detect(frame.image, settings: current.detection)
            stats.withLock { $0.framesDetected += 1 }
            decisions.async { [self] in
                let wanted = state.track(faces, time: frame.time)
                guard !wanted.isEmpty else { return }
                embedStage.withLock { $0 }?.post(EmbedJob(image: frame.image, faces: wanted))
            }
        } catch {
            logger.error("detection failed: \(error)", metadata: ["frame": "\(frame.index)"])
        }
    }

    private func embed(_ job: EmbedJob) {
        let current = settings.withLock { $0 }
        // A job waits while the one before it runs; on a slow CPU that one may have named the track already.
        let faces = decisions.sync { job.faces.filter { state.stillWanted($0.track) } }
        guard !faces.isEmpty else { return }
        do {
            let embeddings = try models.embed(faces.map(\.face), in: job.image, aligner: current.aligner)
            let gallery = matcher.withLock { $0 }
            let matches = embeddings.map { gallery.match($0, settings: current.matcher) }
            stats.withLock { $0.facesEmbedded += embeddings.count }
            decisions.async { [self] in
                let moment = clock.moment()
                // A track that ended while its face was embedded has had its `ended` event: a look now would open
                // a visit that never closes (each kept its images: the soak grew 3 MB a minute).
                for (item, match) in zip(faces, matches) where state.isTracked(item.track) {
                    logger.debug("track \(item.track): \(match.name ?? match.verdict.rawValue)\(match.reason.map { " (\($0))" } ?? "")",
                                 metadata: ["distance": "\(match.best.map { $0.distance.formatted } ?? "-")"])
                    let time = Date(timeIntervalSince1970: moment.unix)
                    let look = FaceLook(trackID: item.track, face: item.face, match: match, frame: job.image, time: time)
                    for listener in listeners { listener.looked(look) }
                    let before = state.decision(of: item.track)
                    let events = state.vote(item.track, match: match, at: moment)
                    if let decision = state.decision(of: item.track), decision != before {
                        let face = DecidedFace(trackID: item.track, decision: decision, match: match, frame: job.image,
                                               box: item.face.box, time: time)
                        for listener in listeners { listener.decided(face) }
                    }
                    handle(events)
                }
            }
        } catch {
            logger.error("embedding failed: \(error)")
        }
    }

    private func tick() {
        let moment = clock.moment()
        var (gone, events) = state.expire(now: moment)
        // A group waits only for faces still being recognised: once the last of them has left, its greeting
        // is said now rather than at the end of the window.
        if !gone.isEmpty, !state.anyoneUndecided { events += state.flushAll(now: moment) }
        handle(events)
        ended(gone, at: moment)
    }

    private func ended(_ tracks: [TrackID], at moment: GreetingPolicy.Moment) {
        let time = Date(timeIntervalSince1970: moment.unix)
        for track in tracks { for listener in listeners { listener.ended(track, at: time) } }
    }

    /// Policy events: speech goes to its own queue so speaking never blocks recognition.
    private func handle(_ events: [GreetingEvent]) {
        for event in events {
            for listener in listeners { listener.policy(event) }
            switch event {
            case .speak(let greeting):
                let decided = clock.monotonic()
                speech.async { [self] in speak(greeting, decided: decided) }
            case .suppressedByQuietHours(let greeting):
                logger.notice("quiet hours: not saying \"\(greeting.text)\"")
            case .skipped(let track, let identity, let reason):
                logger.debug("track \(track) (\(identity)) not greeted: \(reason)")
            case .notSaved(let error):
                logger.warning("greeting times not saved: \(error)")
            }
        }
    }

    private func speak(_ greeting: Greeting, decided: Double) {
        let waited = (clock.monotonic() - decided) * 1000
        let delays = greeting.people.map { $0.msFromFirstFrame + Int(waited) }
        let details = greeting.people.map { person in
            "\(person.identity) d=\(person.meanDistance.formatted) votes=\(person.votes)/\(person.window)"
        }
        let visits = greeting.people.compactMap { person in
            listeners.lazy.compactMap { $0.visitID(of: person.trackID) }.first
        }
        let spoken = SpokenGreeting(greeting: greeting, msFromFirstFrame: delays,
                                     time: Date(timeIntervalSince1970: clock.wall().unix))
        for listener in listeners { listener.greeted(spoken) }
        let said = Result { try speaker.say(greeting.text) }
        // To the first sample where the speaker can tell (wav output), else to the start of speaking.
        let firstSample = (try? said.get())?.firstSample
        let fromDecision = waited + (firstSample ?? 0) * 1000
        let toGreet = greeting.people.map { $0.msFromFirstFrame + Int(fromDecision) }
        let fromStreamStart = streamStart.withLock { $0 }.map { (decided - $0) * 1000 + fromDecision }
        stats.withLock {
            $0.greetings += 1
            $0.timeToGreetMilliseconds += toGreet
            if let fromStreamStart {
                $0.firstSampleFromStreamStart.append(.init(names: greeting.names, milliseconds: fromStreamStart))
            }
            if firstSample != nil { $0.decisionToFirstSampleMilliseconds.append(fromDecision) }
        }
        switch said {
        case .success(let utterance):
            logger.notice("greeted: \"\(greeting.text)\"", metadata: [
                "people": "\(details.joined(separator: ", "))",
                "ms_from_first_frame": "\(toGreet.map(String.init).joined(separator: ","))",
                "ms_from_decision": "\(String(format: "%.1f", fromDecision))",
                "speech_s": "\(String(format: "%.2f", utterance.duration))",
            ].merging(utterance.file.map { ["wav": "\($0)"] } ?? [:]) { $1 }
             .merging(visits.isEmpty ? [:] : ["visit": "\(visits.joined(separator: ","))"]) { $1 })
        case .failure(let error):
            logger.error("cannot speak \"\(greeting.text)\": \(error)")
        }
    }
}
