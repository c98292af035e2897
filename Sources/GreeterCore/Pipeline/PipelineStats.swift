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
    /// Milliseconds from a greeted track's first frame to the start of its greeting.
    public var timeToGreetMilliseconds: [Int] = []
}
