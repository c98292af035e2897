import Dispatch
import Foundation
import GreeterCore
import Logging
import ServiceLifecycle
import Synchronization

/// `door-greeter run`: wires the pipeline to its source, the gallery folder, speech and systemd, and applies
/// reloads. Once loaded it runs as a group of services (publisher, pipeline, gallery, capture, watchdog) that a
/// graceful shutdown stops in reverse: the sources of work first, then the pipeline finishes what it holds.
/// State that reloads change runs on `control`, one serial queue.
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

    private let control = DispatchQueue(label: "door-greeter.control")
    /// Embedding new photos takes a while: it runs here, never on `control`.
    private let galleryQueue = DispatchQueue(label: "door-greeter.gallery")
    private let logger: Logger
    private let configPath: String?
    private let overrides: Overrides
    private let notifier: SystemdNotifier
    private let analyzer: FaceAnalyzer
    private let speaker: EspeakSpeaker
    private let pipeline: DoorPipeline
    private let publisher: MQTTPublisher
    private let visits: VisitLog
    private let capture: CaptureLoop
    /// How each capture loop ended, for the capture service.
    private let captureEnds = AsyncStream.makeStream(of: CaptureLoop.End.self)
    private let started = MonotonicClock.now()
    /// When the gallery scan running now last finished a photo (nil: no scan running), for the watchdog.
    private let galleryProgress = Mutex<Double?>(nil)
    /// Set when the daemon stops: a running gallery scan ends after its current photo, a reload is ignored.
    private let stopping = Atomic(false)
    private let exitStatus = Atomic<Int32>(0)
    // Touched only on `galleryQueue`.
    private nonisolated(unsafe) var gallery: GalleryKeeper
    private nonisolated(unsafe) var settledRescanPending = false
    // Touched only on `control`.
    private nonisolated(unsafe) var config: Config
    private nonisolated(unsafe) var cameraMissing = false
    private nonisolated(unsafe) var announcedReady = false

    /// Runs the daemon until it stops and returns its exit status. Signals are handled from before the models
    /// load: a stop ends the start-up after the current photo (progress saved), a reload is applied once started.
    static func run(configPath: String?, overrides: Overrides, logger: Logger) async -> Int32 {
        let lifecycle = await Lifecycle(logger: logger)
        let startUp = ClosureService {
            // Loading blocks for seconds (models, first enrolment): on a thread of its own, not Swift's pool.
            let daemon = try await onThread {
                try Daemon(configPath: configPath, overrides: overrides, logger: logger,
                           isStopping: { lifecycle.stopRequested })
            }
            lifecycle.attach(daemon)
            try await ServiceGroup(configuration: .init(services: daemon.services, logger: logger)).run()
        }
        let group = ServiceGroup(configuration: .init(services: [
            .init(service: lifecycle),
            .init(service: startUp, successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup),
        ], logger: logger))
        lifecycle.group.withLock { $0 = group }
        do {
            try await group.run()
        } catch is Gallery.Stopped {
            return 0
        } catch {
            // Through the journal handler, so `journalctl -p warning` shows why the service did not start.
            logger.error("cannot start: \(String(describing: error).replacingOccurrences(of: "\n", with: "; "))")
            return 1
        }
        guard let daemon = lifecycle.daemon else { return 0 }
        daemon.finished()
        return daemon.exitStatus.load(ordering: .relaxed)
    }

    private init(configPath: String?, overrides: Overrides, logger: Logger,
                 isStopping: @escaping @Sendable () -> Bool) throws {
        var config = try configPath.map { try Config.load(path: $0) } ?? Config()
        overrides.apply(to: &config)
        var logger = logger
        logger.logLevel = Logger.Level(config.log.level)
        config.modelWarnings.forEach { logger.warning("\($0)") }
        logger.info("starting: loading the models")
        self.config = config
        self.configPath = configPath
        self.overrides = overrides
        self.logger = logger
        notifier = try SystemdNotifier.fromEnvironment()
        setVisionThreads(config.detection.threads)
        let models = try ModelFiles(directory: config.models.directory)
        analyzer = try FaceAnalyzer(models: models)
        let speaker = try EspeakSpeaker(settings: config.speech)
        speaker.warmUp(logger: logger)
        self.speaker = speaker
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
        visits = VisitLog(stateDirectory: config.state.directory, settings: VisitLog.Settings(config.visits), logger: logger)
        pipeline = DoorPipeline(analyzer: analyzer, speaker: MutableSpeaker(speaker, mute: mute), matcher: report.matcher,
                                settings: try PipelineSettings(config), greetingLog: greetingLog, logger: logger,
                                listeners: [publisher, visits])
        capture = CaptureLoop()
        logger.info("\("gallery \(config.gallery.directory): \(report.people.count) people, ")\("\(report.matcher.templateCount) templates; speech \(config.speech.output), voice \(config.speech.voice)")")
        if !report.unsettled.isEmpty { galleryQueue.async { self.scheduleSettledRescan() } }
    }

    // MARK: Services

    /// In start order; a graceful shutdown stops them in reverse, so nothing is running when `run` returns (a
    /// native stage cut off by the process's end logs errors).
    private var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        [
            .init(service: ClosureService { [self] in
                try? await gracefulShutdown()
                try await onThread { [publisher] in publisher.stop() }
            }),
            .init(service: ClosureService { [self] in
                try? await gracefulShutdown()
                try await onThread { [pipeline, visits] in
                    pipeline.finish(timeout: 5)
                    visits.finish()
                }
            }),
            .init(service: ClosureService { [self] in try await runGallery() }),
            // The end of a file (or a source that fails) ends the daemon.
            .init(service: ClosureService { [self] in try await runCapture() },
                  successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: ClosureService { [self] in try await runWatchdog() }),
        ]
    }

    private func runGallery() async throws {
        galleryQueue.async { [self] in gallery.watch(queue: galleryQueue) { [self] in galleryChanged() } }
        try? await gracefulShutdown()
        try await onThread { [self] in
            let idle = DispatchSemaphore(value: 0)
            galleryQueue.async { [self] in
                gallery.stopWatching()
                idle.signal()
            }
            if idle.wait(timeout: .now() + 5) == .timedOut { logger.warning("the gallery scan did not stop in 5 s") }
        }
    }

    private func runCapture() async throws {
        control.async { [self] in startCapture(config) }
        let ends = captureEnds.stream
        await cancelWhenGracefulShutdown { [self] in
            for await end in ends {
                switch end {
                case .finished where overrides.loop:
                    logger.info("end of \(overrides.source ?? "source"): playing it again")
                    control.async { [self] in startCapture(config) }
                case .finished:
                    return beginStop(reason: "end of \(overrides.source ?? "source")")
                case .failed(let message):
                    logger.critical("cannot read frames: \(message)")
                    exitStatus.store(1, ordering: .relaxed)
                    return beginStop(reason: "source failed")
                }
            }
        }
        try await onThread { [self] in capture.stop(waitingUpTo: 2) }
    }

    /// WATCHDOG=1 from the pipeline's own heartbeat: no ping when a stage is stuck, the capture loop stopped
    /// turning (waiting for a camera turns it) or a gallery scan hangs on one photo.
    private func runWatchdog() async throws {
        guard let interval = notifier.watchdogPingInterval, let limit = notifier.watchdogInterval else {
            try? await gracefulShutdown()
            return
        }
        let stall = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        try? await cancelWhenGracefulShutdown { [self] in
            while true {
                try await Task.sleep(for: interval)
                guard pipeline.isHealthy(limit: stall), capture.secondsSinceTick < stall else {
                    logger.warning("pipeline stalled: not pinging the watchdog")
                    continue
                }
                if let since = galleryProgress.withLock({ $0 }), MonotonicClock.now() - since > Self.galleryStall {
                    logger.warning("gallery scan stuck on one photo for \(Int(MonotonicClock.now() - since)) s: not pinging the watchdog")
                    continue
                }
                notify { try $0.watchdog() }
            }
        }
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
                                                      onConnection: { [publisher] in publisher.cameraConnected($0) },
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
        }, onEnd: { [captureEnds] end in captureEnds.continuation.yield(end) })
    }

    private func describeSource(_ config: Config) -> String {
        overrides.source.map { "source \($0)" }
            ?? "camera \(config.camera.device) \(config.camera.width)x\(config.camera.height)@\(config.camera.fps)"
    }

    // MARK: Gallery

    /// Rescans the gallery; called on `galleryQueue`.
    private func galleryChanged() {
        dispatchPrecondition(condition: .onQueue(galleryQueue))
        galleryProgress.withLock { $0 = MonotonicClock.now() }
        defer { galleryProgress.withLock { $0 = nil } }
        do {
            let report = try gallery.rescan(stop: { [self] in stopping.load(ordering: .relaxed) },
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
        dispatchPrecondition(condition: .onQueue(galleryQueue))
        guard !settledRescanPending else { return }
        settledRescanPending = true
        galleryQueue.asyncAfter(deadline: .now() + Gallery.settleSeconds) { [self] in
            settledRescanPending = false
            galleryChanged()
        }
    }

    // MARK: Reload and stop

    /// A SIGHUP: re-reads the config on `control`.
    func requestReload() { control.async { self.reload() } }

    private func reload() {
        dispatchPrecondition(condition: .onQueue(control))
        guard !stopping.load(ordering: .relaxed) else { return }
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
        if new.speech.output != old.speech.output { speaker.warmUp(logger: logger) }
        if new.modelWarnings != old.modelWarnings { new.modelWarnings.forEach { logger.warning("\($0)") } }
        if new.models != old.models { logger.warning("models.directory changed: takes effect at the next restart") }
        if new.detection.threads != old.detection.threads { setVisionThreads(new.detection.threads) }
        publisher.apply(MQTTSettings(new.mqtt))
        visits.apply(VisitLog.Settings(new.visits))
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

    /// Says the daemon is stopping, once; the services then stop in reverse order.
    func beginStop(reason: String) {
        guard stopping.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        notify { try $0.stopping() }
        logger.notice("stopping: \(reason)")
    }

    /// Every service has stopped: the figures of the run.
    private func finished() {
        let stats = pipeline.statistics
        logger.info("\("frames \(stats.framesCaptured) captured, \(stats.framesDetected) detected, ")\("\(stats.framesStatic) static, \(stats.framesDropped) dropped; \(stats.facesEmbedded) faces embedded; \(stats.greetings) greetings")")
        guard let file = overrides.statsFile else { return }
        do { try RunStats(pipeline: stats, since: started).write(to: file) } catch {
            logger.error("cannot write \(file): \(error)")
        }
    }

    // MARK: systemd

    private func notify(_ message: (SystemdNotifier) throws -> Void) {
        do { try message(notifier) } catch { logger.warning("sd_notify: \(error)") }
    }
}
