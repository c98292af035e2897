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

    /// Two glibc settings that keep resident memory at what is in use (call it first thing):
    /// - Two arenas, not one per allocating thread: with the pipeline's Dispatch threads handing frames and buffers
    ///   between them, freed memory stayed in those arenas and resident memory climbed at every gallery rescan
    ///   (224 → 371 MB over a 30-minute soak; flat at 214 MB with two).
    /// - Blocks of a mebibyte or more straight from and back to the kernel. By default the threshold rises to the
    ///   largest block freed, so cv::dnn's layer buffers (1–4 MB each) ended up in the arenas, which kept them:
    ///   the daemon sat at 165–200 MB with a face in view, 130–135 MB with this (`scripts/bench-daemon`). A
    ///   640×480 frame (0.9 MB) stays below it, so frames still reuse heap memory instead of faulting in pages.
    /// - Up to 8 MiB free at the top of a heap kept, not 128 KiB (the default once the threshold above is fixed):
    ///   each frame freed there was handed back and faulted in again for the next, which cost a still scene
    ///   about a third more CPU (0.65–0.79 against 0.47–0.50 CPU s in 10 s, start-up included).
    public static func tuneAllocator() {
        clinux_tune_malloc(2, 1 << 20, 8 << 20)
    }
}
