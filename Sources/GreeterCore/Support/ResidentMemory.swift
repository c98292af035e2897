import CLinuxShims
import Foundation

/// This process's resident memory from /proc/self/status, in megabytes: the figure benchmarks report.
public enum ResidentMemory {
    public static func read() -> (current: Double, peak: Double) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return (Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "") ?? 0) / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// glibc gives each thread that allocates its own arena; with the pipeline's Dispatch threads handing frames and
    /// buffers between them, freed memory stayed in those arenas and resident memory climbed at every gallery rescan
    /// (224 → 371 MB over a 30-minute soak); two arenas kept it flat at 214 MB (`scripts/soak`). Call it first thing.
    public static func limitAllocatorArenas(to arenas: Int32 = 2) {
        _ = clinux_limit_malloc_arenas(arenas)
    }
}
