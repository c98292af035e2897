import Dispatch
import Foundation
import GreeterCore
import Logging
import Synchronization

/// `door-greeter run`: wires the pipeline to its source, the gallery folder, speech, signals and systemd, and
/// applies reloads. Everything that changes state runs on `control`, one serial queue.
final class Daemon: Sendable {
    struct Overrides: Sendable {
        var source: String?
        var realTime: Bool
        var loop: Bool
        var speech: String?
        var gallery: String?
        var stateDirectory: String?
        var models: String?
        var statsFile: String?
    }

    /// A first enrolment's progress step extends the start timeout by this much (microseconds).
    private static let startExtension = 120_000_000
    /// A gallery scan that has not finished a photo for this long is stuck (on a hung network file system, say):
    /// the watchdog stops pinging. One photo takes a second or two.
    private static let galleryStall = 120.0

    private let control: DispatchQueue
    /// Embedding new photos takes a while: it runs here, never on `control`, which the watchdog timer shares.
    private let galleryQueue = DispatchQueue(label: "door-greeter.gallery")
    private let logger: Logger
    private let configPath: String?
    private let overrides: Overrides
    private let notifier: SystemdNotifier
    private let analyzer: FaceAnalyzer
    private let speaker: EspeakSpeaker
    private let pipeline: DoorPipeline
    private let publisher: MQTTPublisher
    private let capture: CaptureLoop
    private let started = MonotonicClock.now()
    /// When the gallery scan running now last finished a photo (nil: no scan running), for the watchdog.
    private let galleryProgress = Mutex<Double?>(nil)
    /// Set when the daemon stops: a running gallery scan ends after its current photo.
    private let galleryStopping = Atomic(false)
    // Touched only on `galleryQueue`.
    private nonisolated(unsafe) var gallery: GalleryKeeper
    private nonisolated(unsafe) var settledRescanPending = false
    // Touched only on `control`.
    private nonisolated(unsafe) var config: Config
    private nonisolated(unsafe) var cameraMissing = false
    private nonisolated(unsafe) var announcedReady = false
    private nonisolated(unsafe) var watchdog: DispatchSourceTimer?
    private nonisolated(unsafe) var stopping = false

    /// Loads everything, then signals READY; throws when it cannot start, `Gallery.Stopped` when a stop signal
    /// ended the start-up (a clean exit, not a failure). Signals are handled from before the
    /// models load: a stop ends the start-up after the current photo (progress saved), a reload is applied once
    /// started.
    static func start(configPath: String?, overrides: Overrides, logger: Logger) throws {
        let control = DispatchQueue(label: "door-greeter.control")
        let router = SignalRouter(logger: logger)
        router.handler = SignalHandler.install(
            queue: control, onReload: { router.reload() }, onStop: { router.stop(signal: $0) })
        var config = try configPath.map { try Config.load(path: $0) } ?? Config()
        overrides.apply(to: &config)
        var logger = logger
        logger.logLevel = Logger.Level(config.log.level)
        config.modelWarnings.forEach { logger.warning("\($0)") }
        logger.info("starting: loading the models")
        let daemon = try Daemon(config: config, configPath: configPath, overrides: overrides, logger: logger,
                                control: control, isStopping: { router.stopRequested })
        control.async {
            daemon.begin()
            router.attach(daemon)
        }
    }

    private init(config: Config, configPath: String?, overrides: Overrides, logger: Logger, control: DispatchQueue,
                 isStopping: @escaping @Sendable () -> Bool) throws {
        self.config = config
        self.configPath = configPath
        self.overrides = overrides
        self.logger = logger
        self.control = control
        notifier = try SystemdNotifier.fromEnvironment()
        setVisionThreads(config.detection.threads)
        let models = try ModelFiles(directory: config.models.directory)
        analyzer = try FaceAnalyzer(models: models)
        speaker = try EspeakSpeaker(settings: config.speech)
        try PrivateDirectory.create(config.state.directory)
        let (greetingLog, logProblem) = GreetingLog.load(stateDirectory: config.state.directory)
        if let logProblem { logger.warning("starting with no greeting history: \(logProblem)") }
        gallery = GalleryKeeper(config: config, analyzer: analyzer, logger: logger)
        // Enrolling new photos takes a while on a small CPU (six embeddings each): say so, or it looks hung.
        logger.info("models loaded from \(models.directory); reading the gallery \(config.gallery.directory)")
        let notifier = self.notifier
        let report = try gallery.rescan(stop: isStopping, checkpoint: { [logger] done, total in
            // A first enrolment of hundreds of photos outlasts the unit's start timeout: each saved step
            // extends it and says how far it got.
            logger.info("enrolling the gallery: \(done) of \(total) photos looked at, saved so far")
            try? notifier.notify("STATUS=enrolled \(done)/\(total)\nEXTEND_TIMEOUT_USEC=\(Self.startExtension)")
        })
        let mute = MuteSwitch(stateDirectory: config.state.directory)
        if mute.isMuted { logger.notice("speech is muted (remembered from the last run): recognising, not speaking") }
        publisher = MQTTPublisher(settings: MQTTSettings(config.mqtt), mute: mute, logger: logger)
        publisher.galleryChanged(people: report.people.map(\.name))
        pipeline = DoorPipeline(analyzer: analyzer, speaker: MutableSpeaker(speaker, mute: mute), matcher: report.matcher,
                                settings: try PipelineSettings(config), greetingLog: greetingLog, logger: logger,
                                listeners: [publisher])
        capture = CaptureLoop()
        logger.info("\("gallery \(config.gallery.directory): \(report.people.count) people, ")\("\(report.matcher.templateCount) templates; speech \(config.speech.output), voice \(config.speech.voice)")")
        if !report.unsettled.isEmpty { scheduleSettledRescan() }
    }

    private func begin() {
        dispatchPrecondition(condition: .onQueue(control))
        galleryQueue.async { [self] in gallery.watch(queue: galleryQueue) { [self] in galleryChanged() } }
        startCapture(config)
        startWatchdog()
    }

    /// READY=1 goes out with the first frame: models, gallery and camera are all up then. Once: a looped file's
    /// next pass or a camera's return is not a new start.
    private func firstFrame() {
        dispatchPrecondition(condition: .onQueue(control))
        publisher.cameraConnected(true)
        if cameraMissing {
            cameraMissing = false
            notify { try $0.status("camera is here: \(describeSource(config))") }
            return logger.notice("camera is here: \(describeSource(config))")
        }
        guard !announcedReady else { return }
        announcedReady = true
        notify { try $0.ready() }
        logger.notice("ready: \(describeSource(config))")
    }

    /// Without its camera the daemon is still ready (recognising nothing) and says what it waits for.
    private func cameraUnavailable(_ reason: String) {
        dispatchPrecondition(condition: .onQueue(control))
        logger.error("\(reason); waiting for it")
        guard !cameraMissing else { return }
        cameraMissing = true
        publisher.cameraConnected(false)
        notify { try $0.status("waiting for the camera: \(reason)") }
        guard !announcedReady else { return }
        announcedReady = true
        notify { try $0.ready() }
    }

    // MARK: Source

    private func startCapture(_ config: Config) {
        let pipeline = self.pipeline
        let (capture, logger, control) = (self.capture, self.logger, self.control)
        let open: @Sendable () throws -> any FrameSource
        if let path = overrides.source {
            let realTime = overrides.realTime
            open = { try FileSource(path: path, realTime: realTime) { logger.warning("skipping frame \($0)") } }
        } else {
            let camera = config.camera
            let generation = capture.nextGeneration
            open = { [self] in
                let openCamera = {
                    try V4L2Camera(device: camera.device, width: camera.width, height: camera.height, fps: camera.fps)
                }
                // A camera missing at start is waited for like an unplugged one: USB cameras often appear after
                // boot, and a restart loop would reload the models every few seconds.
                var reported = false
                while capture.isRunning(generation) {
                    do {
                        return try ReconnectingSource(logger: logger, isStopping: { !capture.isRunning(generation) },
                                                      open: openCamera)
                    } catch {
                        if !reported { control.async { self.cameraUnavailable("\(error)") } }
                        reported = true
                        // Polled often: each look is the capture side's sign of life for the watchdog.
                        for _ in 0..<20 where capture.isRunning(generation) { usleep(50_000) }
                    }
                }
                throw CameraError.lost(path: camera.device, reason: "stopped while waiting for the camera")
            }
        }
        let first = Mutex(true)
        let realTime = overrides.source == nil || overrides.realTime
        capture.start(open, onFrame: { [self] frame in
            let isFirst = first.withLock { value -> Bool in
                defer { value = false }
                return value
            }
            if isFirst { control.async { self.firstFrame() } }
            pipeline.submit(frame)
            if !realTime { pipeline.waitUntilIdle() }
        }, onEnd: { [self] end in
            control.async { self.sourceEnded(end) }
        })
    }

    private func describeSource(_ config: Config) -> String {
        overrides.source.map { "source \($0)" }
            ?? "camera \(config.camera.device) \(config.camera.width)x\(config.camera.height)@\(config.camera.fps)"
    }

    private func sourceEnded(_ end: CaptureLoop.End) {
        switch end {
        case .finished where overrides.loop:
            logger.info("end of \(overrides.source ?? "source"): playing it again")
            startCapture(config)
        case .finished:
            stop(reason: "end of \(overrides.source ?? "source")")
        case .failed(let message):
            logger.critical("cannot read frames: \(message)")
            stop(reason: "source failed", code: 1)
        }
    }

    // MARK: Gallery

    /// Rescans the gallery; called on `galleryQueue`.
    private func galleryChanged() {
        dispatchPrecondition(condition: .onQueue(galleryQueue))
        galleryProgress.withLock { $0 = MonotonicClock.now() }
        defer { galleryProgress.withLock { $0 = nil } }
        do {
            let report = try gallery.rescan(stop: { [self] in galleryStopping.load(ordering: .relaxed) },
                                            progress: { [self] in galleryProgress.withLock { $0 = MonotonicClock.now() } })
            pipeline.replaceGallery(report.matcher)
            publisher.galleryChanged(people: report.people.map(\.name))
            if !report.unsettled.isEmpty { scheduleSettledRescan() }
        } catch is Gallery.Stopped {
            return
        } catch {
            logger.error("gallery: \(error)")
        }
    }

    /// Photos still being written are read once they have settled, even if no other event comes.
    private func scheduleSettledRescan() {
        guard !settledRescanPending else { return }
        settledRescanPending = true
        galleryQueue.asyncAfter(deadline: .now() + Gallery.settleSeconds) { [self] in
            settledRescanPending = false
            galleryChanged()
        }
    }

    // MARK: Reload and stop

    func reload() {
        dispatchPrecondition(condition: .onQueue(control))
        guard !stopping else { return }
        notify { try $0.reloading() }
        defer { notify { try $0.ready() } }
        guard let configPath else {
            logger.notice("reload: no config file, nothing to re-read; rescanning the gallery")
            return galleryQueue.async { self.galleryChanged() }
        }
        var new: Config
        do {
            new = try Config.load(path: configPath)
            overrides.apply(to: &new)
            let settings = try PipelineSettings(new)
            try speaker.apply(new.speech)
            pipeline.apply(settings)
        } catch {
            logger.error("reload rejected, keeping the running config: \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
            return
        }
        let old = config
        config = new
        if new.modelWarnings != old.modelWarnings { new.modelWarnings.forEach { logger.warning("\($0)") } }
        if new.models != old.models { logger.warning("models.directory changed: takes effect at the next restart") }
        if new.detection.threads != old.detection.threads { setVisionThreads(new.detection.threads) }
        publisher.apply(MQTTSettings(new.mqtt))
        if new.log.level != old.log.level { logger.notice("log.level changed: takes effect at the next restart") }
        galleryQueue.async { [self, new] in
            gallery.reconfigure(new, queue: galleryQueue) { [self] in galleryChanged() }
            galleryChanged()
        }
        if overrides.source == nil, new.camera != old.camera {
            logger.notice("camera settings changed: reopening \(new.camera.device)")
            startCapture(new)
        }
        logger.notice("reloaded \(configPath)")
    }

    /// Stops the sources of work first (capture, gallery scan), then lets the pipeline finish what it holds, so
    /// nothing is running when the process exits: a native stage cut off by exit() logs errors.
    func stop(reason: String, code: Int32 = 0) {
        dispatchPrecondition(condition: .onQueue(control))
        guard !stopping else { return }
        stopping = true
        notify { try $0.stopping() }
        logger.notice("stopping: \(reason)")
        watchdog?.cancel()
        galleryStopping.store(true, ordering: .relaxed)
        capture.stop(waitingUpTo: 2)
        let galleryIdle = DispatchSemaphore(value: 0)
        galleryQueue.async { [self] in
            gallery.stopWatching()
            galleryIdle.signal()
        }
        if galleryIdle.wait(timeout: .now() + 5) == .timedOut { logger.warning("the gallery scan did not stop in 5 s") }
        pipeline.finish(timeout: 5)
        publisher.stop()
        let stats = pipeline.statistics
        logger.info("\("frames \(stats.framesCaptured) captured, \(stats.framesDetected) detected, ")\("\(stats.framesStatic) static, \(stats.framesDropped) dropped; \(stats.facesEmbedded) faces embedded; \(stats.greetings) greetings")")
        if let file = overrides.statsFile { writeStats(stats, to: file) }
        NativeOutput.finish()
        exit(code)
    }

    private func writeStats(_ stats: PipelineStats, to file: String) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let memory = ResidentMemory.read()
        let report = RunStats(pipeline: stats, wallSeconds: MonotonicClock.now() - started, cpuSeconds: cpu,
                              residentMegabytes: memory.current, peakResidentMegabytes: memory.peak)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: file))
        } catch {
            logger.error("cannot write \(file): \(error)")
        }
    }

    // MARK: systemd

    private func startWatchdog() {
        guard let interval = notifier.watchdogPingInterval, let limit = notifier.watchdogInterval else { return }
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let stall = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now() + seconds, repeating: seconds)
        timer.setEventHandler { [self] in
            // The pipeline's own heartbeat: no ping when a stage is stuck or the capture loop stopped turning.
            guard pipeline.isHealthy(limit: stall), capture.secondsSinceTick < stall else {
                return logger.warning("pipeline stalled: not pinging the watchdog")
            }
            if let since = galleryProgress.withLock({ $0 }), MonotonicClock.now() - since > Self.galleryStall {
                return logger.warning("gallery scan stuck on one photo for \(Int(MonotonicClock.now() - since)) s: not pinging the watchdog")
            }
            notify { try $0.watchdog() }
        }
        timer.resume()
        watchdog = timer
    }

    private func notify(_ message: (SystemdNotifier) throws -> Void) {
        do { try message(notifier) } catch { logger.warning("sd_notify: \(error)") }
    }
}

/// Where signals go: to the daemon once it runs; before that a stop ends the start-up and a reload waits for it.
/// Everything but `stopRequested` runs on the control queue, where the signal handler delivers.
final class SignalRouter: Sendable {
    private struct State {
        var daemon: Daemon?
        var stop: Int32?
        var reload = false
    }

    private let state = Mutex(State())
    private let logger: Logger
    /// Kept for the life of the process: dropping it would cancel the signal sources.
    nonisolated(unsafe) var handler: SignalHandler?

    init(logger: Logger) { self.logger = logger }

    var stopRequested: Bool { state.withLock { $0.stop != nil } }

    func stop(signal: Int32) {
        if let daemon = state.withLock({ $0.daemon }) { return daemon.stop(reason: "signal \(signal)") }
        logger.notice("stopping: signal \(signal), while starting (after the photo being enrolled, which is saved)")
        state.withLock { $0.stop = signal }
    }

    func reload() {
        if let daemon = state.withLock({ $0.daemon }) { return daemon.reload() }
        logger.notice("reload (SIGHUP) while starting: the config is read again once started")
        state.withLock { $0.reload = true }
    }

    /// The daemon has begun: signals go to it now, and one that came during the start-up is acted on.
    func attach(_ daemon: Daemon) {
        let (stop, reload) = state.withLock { state in
            state.daemon = daemon
            return (state.stop, state.reload)
        }
        if let stop { daemon.stop(reason: "signal \(stop)") } else if reload { daemon.reload() }
    }
}

extension Daemon.Overrides {
    func apply(to config: inout Config) {
        if let speech, let output = try? SpeechOutput(parsing: speech) { config.speech.output = output }
        if let gallery { config.gallery.directory = gallery }
        if let stateDirectory { config.state.directory = stateDirectory }
        if let models { config.models.directory = models }
    }
}

struct RunStats: Encodable {
    let pipeline: PipelineStats
    let wallSeconds: Double
    let cpuSeconds: Double
    let residentMegabytes: Double
    let peakResidentMegabytes: Double
}

extension Logger.Level {
    init(_ level: Config.Log.Level) {
        self = Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
