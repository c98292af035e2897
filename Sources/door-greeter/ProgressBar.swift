import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal and output is not JSON.
struct ProgressBar {
    private let label: String
    private let enabled: Bool
    private var lastDrawn = -1

    init(_ label: String, json: Bool) {
        self.label = label
        enabled = !json && isatty(STDERR_FILENO) == 1
    }

    mutating func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
