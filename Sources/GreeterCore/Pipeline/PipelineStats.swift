/// Counters the pipeline keeps for the log, the watchdog and benchmarks.
public struct PipelineStats: Sendable, Codable {
    public var framesCaptured = 0
    public var framesDetected = 0
    /// Frames the motion gate judged static, so the detector did not run.
    public var framesStatic = 0
    /// Frames replaced in a mailbox before a stage took them.
    public var framesDropped = 0
    public var facesEmbedded = 0
    public var greetings = 0
    /// Milliseconds from a greeted track's first frame to the first sample of its greeting (to the start of
    /// speaking where the speaker cannot tell, as on the sound device).
    public var timeToGreetMilliseconds: [Int] = []
    /// Milliseconds from the decision to the first sample, per greeting whose speaker can tell (wav output).
    public var decisionToFirstSampleMilliseconds: [Double] = []
    /// Per greeting, milliseconds from the first frame the pipeline received to the first sample (to the start
    /// of speaking where the speaker cannot tell): a paced source's frame i came about i / fps after it, so a
    /// benchmark can measure from the frame in which the visitor first became detectable or recognisable.
    public var firstSampleFromStreamStart: [StreamGreeting] = []

    public struct StreamGreeting: Sendable, Codable, Equatable {
        /// The known people greeted, in order of decision.
        public var names: [String]
        public var milliseconds: Double
    }
}
