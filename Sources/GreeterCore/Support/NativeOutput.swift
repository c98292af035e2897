import Foundation
import Glibc
import Synchronization
import SystemPackage

/// What native libraries (ffmpeg through OpenCV, libpulse, ALSA) write to stderr has no `<N>` priority, so
/// journald files it at the unit's default level and `journalctl -p warning` hides it. When stderr is not a
/// terminal, fd 2 becomes a pipe whose lines are passed on as warnings (`<4>native: …`); the process's own log
/// handler writes to the real stderr, which `capture()` returns.
public enum NativeOutput {
    private struct Forwarding {
        let original: Int32
        let done: DispatchSemaphore
    }

    private static let forwarding = Mutex<Forwarding?>(nil)

    /// Starts forwarding (once) and returns the descriptor the log handler should write to.
    public static func capture() -> Int32 {
        forwarding.withLock { current -> Int32 in
            if let current { return current.original }
            guard isatty(STDERR_FILENO) == 0 else { return STDERR_FILENO }
            let original = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)
            var ends: [Int32] = [0, 0]
            guard original >= 0, pipe(&ends) == 0 else { return STDERR_FILENO }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            // fd 2 itself stays inheritable, as it was; the pipe's own ends are close-on-exec.
            guard dup2(ends[1], STDERR_FILENO) >= 0 else {
                close(ends[0]); close(ends[1]); close(original)
                return STDERR_FILENO
            }
            close(ends[1])
            let done = DispatchSemaphore(value: 0)
            let reader = ends[0]
            let thread = Thread {
                forward(from: reader, to: original)
                close(reader)
                done.signal()
            }
            thread.name = "door-greeter.native-output"
            thread.start()
            current = Forwarding(original: original, done: done)
            return original
        }
    }

    /// Puts the real stderr back and waits (briefly) until the lines already written have been passed on; call
    /// before exiting.
    public static func finish() {
        guard let current = forwarding.withLock({ $0 }) else { return }
        dup2(current.original, STDERR_FILENO)  // closes the pipe's last write end: the reader sees its end
        _ = current.done.wait(timeout: .now() + 1)
    }

    private static func forward(from reader: Int32, to fd: Int32) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            guard let count = try? chunk.withUnsafeMutableBytes({ try FileDescriptor(rawValue: reader).read(into: $0) }),
                  count > 0 else { break }
            pending += chunk[..<count]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                emit(pending[..<newline], to: fd)
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { emit(pending[...], to: fd) }
    }

    private static func emit(_ line: ArraySlice<UInt8>, to fd: Int32) {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        LineWriter.write("<4>native: \(JournalLogHandler.singleLine(text))\n", to: fd)
    }
}
