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

    private let control = DispatchQueue(label: "door-greeter.control")
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
    // Touched only on `galleryQueue`.
    private nonisolated(unsafe) var gallery: GalleryKeeper
    // Touched only on `control`.
    private nonisolated(unsafe) var config: Config
    private nonisolated(unsafe) var cameraMissing = false
    private nonisolated(unsafe) var signals: SignalHandler?
    private nonisolated(unsafe) var watchdog: DispatchSourceTimer?
    private nonisolated(unsafe) var stopping = false

    /// Loads everything, then signals READY; throws (exit 1 with the message) when it cannot start.
    static func start(configPath: String?, overrides: Overrides) throws {
        var config = try configPath.map { try Config.load(path: $0) } ?? Config()
        overrides.apply(to: &config)
        LoggingSystem.bootstrap { JournalLogHandler(label: $0) }
        var logger = Logger(label: "door-greeter")
        logger.logLevel = Logger.Level(config.log.level)
        let daemon = try Daemon(config: config, configPath: configPath, overrides: overrides, logger: logger)
        // Installed from this thread: the handler waits for `control` to register its sources.
        daemon.signals = SignalHandler.install(
            queue: daemon.control, onReload: { daemon.control.async { daemon.reload() } },
            onStop: { signal in daemon.control.async { daemon.stop(reason: "signal \(signal)") } })
        daemon.control.async { daemon.begin() }
    }

    private init(config: Config, configPath: String?, overrides: Overrides, logger: Logger) throws {
        self.config = config
        self.configPath = configPath
        self.overrides = overrides
        self.logger = logger
        notifier = try SystemdNotifier.fromEnvironment()
        setVisionThreads(config.detection.threads)
        let models = try ModelFiles(directory: config.models.directory)
        analyzer = try FaceAnalyzer(models: models)
        speaker = try EspeakSpeaker(settings: config.speech)
        try FileManager.default.createDirectory(atPath: config.state.directory, withIntermediateDirectories: true)
        let (greetingLog, logProblem) = GreetingLog.load(stateDirectory: config.state.directory)
        if let logProblem { logger.warning("starting with no greeting history: \(logProblem)") }
        gallery = GalleryKeeper(config: config, analyzer: analyzer, logger: logger)
        // Enrolling new photos takes a while on a small CPU (six embeddings each): say so, or it looks hung.
        logger.info("models loaded from \(models.directory); reading the gallery \(config.gallery.directory)")
        let report = try gallery.rescan()
        let mute = MuteSwitch(stateDirectory: config.state.directory)
        if mute.isMuted { logger.notice("speech is muted (remembered from the last run): recognising, not speaking") }
        publisher = MQTTPublisher(settings: MQTTSettings(config.mqtt), mute: mute, logger: logger)
        publisher.galleryChanged(people: report.people.map(\.name))
        pipeline = DoorPipeline(analyzer: analyzer, speaker: MutableSpeaker(speaker, mute: mute), matcher: report.matcher,
                                settings: try PipelineSettings(config), greetingLog: greetingLog, logger: logger,
                                listeners: [publisher])
        capture = CaptureLoop()
        logger.info("\("gallery \(config.gallery.directory): \(report.people.count) people, ")\("\(report.matcher.templateCount) templates; speech \(config.speech.output), voice \(config.speech.voice)")")
    }

    private func begin() {
        galleryQueue.async { [self] in gallery.watch(queue: galleryQueue) { [self] in galleryChanged() } }
        startCapture(config)
        startWatchdog()
    }

    /// READY=1 goes out with the first frame: models, gallery and camera are all up then.
    private func firstFrame() {
        publisher.cameraConnected(true)
        if cameraMissing {
            cameraMissing = false
            return logger.notice("camera is here: \(describeSource(config))")
        }
        notify { try $0.ready() }
        logger.notice("ready: \(describeSource(config))")
    }

    /// Without its camera the daemon is still ready (recognising nothing) and says what it waits for.
    private func cameraUnavailable(_ reason: String) {
        logger.error("\(reason); waiting for it")
        guard !cameraMissing else { return }
        cameraMissing = true
        publisher.cameraConnected(false)
        notify { try $0.status("waiting for the camera: \(reason)") }
        notify { try $0.ready() }
    }

    // MARK: Source

    private func startCapture(_ config: Config) {
        let pipeline = self.pipeline
        let (capture, logger, control) = (self.capture, self.logger, self.control)
        let open: @Sendable () throws -> any FrameSource
        if let path = overrides.source {
            let realTime = overrides.realTime
            open = { try FileSource(path: path, realTime: realTime) }
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
                        usleep(1_000_000)
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
        do {
            let report = try gallery.rescan()
            pipeline.replaceGallery(report.matcher)
            publisher.galleryChanged(people: report.people.map(\.name))
        } catch {
            logger.error("gallery: \(error)")
        }
    }

    // MARK: Reload and stop

    private func reload() {
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

    private func stop(reason: String, code: Int32 = 0) {
        guard !stopping else { return }
        stopping = true
        notify { try $0.stopping() }
        logger.notice("stopping: \(reason)")
        capture.stop()
        pipeline.finish(timeout: 1.5)
        publisher.stop()
        let stats = pipeline.statistics
        logger.info("\("frames \(stats.framesCaptured) captured, \(stats.framesDetected) detected, ")\("\(stats.framesStatic) static, \(stats.framesDropped) dropped; \(stats.facesEmbedded) faces embedded; \(stats.greetings) greetings")")
        if let file = overrides.statsFile { writeStats(stats, to: file) }
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
            notify { try $0.watchdog() }
        }
        timer.resume()
        watchdog = timer
    }

    private func notify(_ message: (SystemdNotifier) throws -> Void) {
        do { try message(notifier) } catch { logger.warning("sd_notify: \(error)") }
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
