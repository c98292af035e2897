import Glibc
import Logging
import Synchronization
import SystemPackage

/// A swift-log handler for a systemd service: one line per event on stderr, prefixed `<N>` with the
/// syslog priority (sd-daemon(3)) so journald keeps the level, and no timestamp because journald adds one.
/// On a terminal it writes a short local time and a level word instead:
///
///     <4>capture: frame dropped device=/dev/video0 reason="queue full"
///     14:03:27.512 warning  capture: frame dropped device=/dev/video0 reason="queue full"
public struct JournalLogHandler: LogHandler {
    public enum Style: Sendable {
        /// `<N>` priority prefix, no time: for journald or any log collector.
        case journal
        /// Local time and level word: for a person watching a terminal.
        case terminal
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let fd: Int32
    private let style: Style

    /// `fd` is where lines go (stderr unless a test passes a pipe); `style` defaults to `.terminal`
    /// when `fd` is a terminal and `.journal` otherwise.
    public init(
        label: String, fd: Int32 = STDERR_FILENO, style: Style? = nil,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.fd = fd
        self.style = style ?? (isatty(fd) == 1 ? .terminal : .journal)
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = ""
        switch style {
        case .journal: line += "<\(Self.syslogPriority(event.level))>"
        case .terminal: line += "\(Self.wallClockTime()) \(Self.levelWord(event.level))"
        }
        if !label.isEmpty { line += "\(label): " }
        line += Self.singleLine("\(event.message)")
        line += Self.render(mergedMetadata(event))
        line += "\n"
        LineWriter.write(line, to: fd)
    }

    /// Handler metadata, then the provider's, then the call's own; later ones win on equal keys.
    private func mergedMetadata(_ event: LogEvent) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        return merged
    }

    /// sd-daemon(3) priorities; swift-log's trace has no syslog level below debug.
    private static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Padded to the longest word ("critical") so messages line up on a terminal.
    private static func levelWord(_ level: Logger.Level) -> String {
        let word = level.rawValue
        return word + String(repeating: " ", count: max(1, 9 - word.count))
    }

    /// ` key=value` pairs sorted by key, so the same event always renders the same way.
    private static func render(_ metadata: Logger.Metadata) -> String {
        metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\(quotedIfNeeded($0.value.description))" }.joined()
    }

    /// Quotes values a reader could not otherwise split on spaces; an empty value is shown as "".
    private static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "=" }
        guard needsQuotes else { return singleLine(value) }
        let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        return "\"\(singleLine(escaped))\""
    }

    /// journald starts a new entry at every newline, so embedded ones are shown escaped; and a terminal obeys
    /// escape sequences, so other control characters (from file names, say) are shown as `\u{1B}`.
    static func singleLine(_ text: String) -> String {
        let joined = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: "\\n")
        guard joined.unicodeScalars.contains(where: isControl) else { return joined }
        var escaped = String.UnicodeScalarView()
        for scalar in joined.unicodeScalars {
            if isControl(scalar) {
                escaped.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// C0 controls but tab, DEL and C1 controls.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
    }

    private static func wallClockTime() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var local = tm()
        localtime_r(&now.tv_sec, &local)
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = now.tv_nsec / 1_000_000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(twoDigits(local.tm_hour)):\(twoDigits(local.tm_min)):\(twoDigits(local.tm_sec)).\(millisText)"
    }
}

/// Writes whole lines with one write(2) each. The lock keeps lines from different threads apart even
/// when a long line needs more than one write (pipes only guarantee atomicity up to PIPE_BUF bytes).
enum LineWriter {
    private static let lock = Mutex(())

    static func write(_ line: String, to fd: Int32) {
        let bytes = Array(line.utf8)
        lock.withLock { _ in
            // Nowhere left to report a failing log stream: the line is dropped.
            _ = try? FileDescriptor(rawValue: fd).writeAll(bytes)
        }
    }
}
