import Foundation
import Glibc
import Dispatch
import GreeterCore
import Logging

/// Runs blocking native work on a Dispatch thread: Swift's own pool has one thread per core (two here).
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
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

    /// The process's figures now, for a run that started at `started` (monotonic seconds).
    init(pipeline: PipelineStats, since started: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let memory = ResidentMemory.read()
        self.pipeline = pipeline
        wallSeconds = MonotonicClock.now() - started
        cpuSeconds = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        residentMegabytes = memory.current
        peakResidentMegabytes = memory.peak
    }

    func write(to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: file))
    }
}

extension EspeakSpeaker {
    /// Opens the sound device now rather than at the first greeting; without one the daemon still runs and
    /// each greeting tries again.
    func warmUp(logger: Logger) {
        do { try warmUp() } catch {
            logger.warning("speech output \(settings.output) not ready: \(error); each greeting tries again")
        }
    }
}

extension Logger.Level {
    init(_ level: Config.Log.Level) {
        self = Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
