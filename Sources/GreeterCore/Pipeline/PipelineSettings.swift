/// Everything the running pipeline reads per frame; replaced whole on a reload, so it takes effect at once.
public struct PipelineSettings: Sendable {
    public var detection: FaceDetector.Settings
    public var aligner: FaceAligner
    public var matcher: Matcher.Settings
    public var tracker: Tracker.Settings
    /// When a track's looks decide who it is.
    public var decision: VoteBox.Rule
    public var motion: MotionGate.Settings
    public var greeting: GreetingPolicy.Settings
    /// An unknown face is looked at again this often, in case it was only badly lit or turned away.
    public var unknownRecheckInterval: Double

    public init(_ config: Config) throws {
        detection = config.detectorSettings
        aligner = config.aligner
        matcher = config.matcherSettings
        unknownRecheckInterval = Double(config.tracking.reembedIntervalMs) / 1000
        // Undecided tracks are embedded on every frame the embed stage can take: votes arrive fast, so the
        // greeting comes within a few frames of the face being in view.
        tracker = Tracker.Settings(iou: Float(config.tracking.iou), lostAfter: Double(config.tracking.lostAfterMs) / 1000,
                                   reembedInterval: 0)
        // A quarter of the threshold inside it decides alone: at FaceNet's 1.0 that is 0.75, where LFW strangers'
        // pairs start only above 1.06 (FAR 0.1 %); `eval visits` sweeps the margin.
        decision = VoteBox.Rule(votesNeeded: config.decision.votes, window: config.decision.window,
                                confidentMargin: 0.25, matcher: matcher)
        motion = MotionGate.Settings(enabled: config.motion.enabled, threshold: Float(config.motion.threshold),
                                     idleInterval: Double(config.motion.idleDetectIntervalMs) / 1000)
        greeting = GreetingPolicy.Settings(
            template: config.greeting.template, people: config.greeting.people, unknownText: config.greeting.unknown,
            cooldown: config.greeting.cooldownMinutes * 60, groupWindow: Double(config.greeting.groupWindowMs) / 1000,
            quietHours: config.greeting.quietHours)
    }
}
