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
}
