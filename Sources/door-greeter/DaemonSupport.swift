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
}

extension Logger.Level {
    init(_ level: Config.Log.Level) {
        self = Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
