import Foundation
import SystemPackage

/// Puts each spoken greeting into the `wav:` directory as `<UTC time>-<words>.wav`, for example
/// `20261123-110501.123-welcome-alice.wav`: a listing sorts by time, and a file is never replaced.
struct UtteranceFiles {
    /// Milliseconds since 1970 of the last file named, so that names stay strictly increasing even when two
    /// greetings fall in the same millisecond.
    private var lastStamp: Int64 = 0

    /// Creates the directory if it is missing and checks that files can be made in it.
    static func prepare(directory: String) throws(SpeechError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            // Foundation's own message is vague ("The file doesn't exist."); the POSIX error under it is not.
            let cause = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError ?? error as NSError
            throw .wavDirectory(path: directory, reason: "cannot be created: \(cause.localizedDescription)")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw .wavDirectory(path: directory, reason: "is not writable: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `wav` into `directory` and returns the new file's path. Readers never see a partial file: the
    /// bytes go to a hidden temporary file first, which is then hard-linked under its final name; `link`,
    /// unlike `rename`, fails instead of replacing a file that already has that name.
    mutating func store(_ wav: WAVFile, text: String, in directory: String) throws(SpeechError) -> String {
        try Self.prepare(directory: directory)
        let temporary = "\(directory)/.\(UUID().uuidString).wav.tmp"
        try Self.write(wav.encoded(), to: temporary)
        defer { unlink(temporary) }

        var stamp = max(Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)), lastStamp + 1)
        while true {
            let path = "\(directory)/\(Self.timestamp(stamp))-\(Self.slug(text)).wav"
            if link(temporary, path) == 0 {
                lastStamp = stamp
                return path
            }
            guard errno == EEXIST else {
                throw .wavFile(path: path, reason: "cannot be created: \(String(cString: strerror(errno)))")
            }
            stamp += 1
        }
    }

    /// Writes and flushes to disk, so that after a crash the final name holds either nothing or the whole file.
    private static func write(_ bytes: [UInt8], to path: String) throws(SpeechError) {
        func failure() -> SpeechError { .wavFile(path: path, reason: String(cString: strerror(errno))) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure() }
        defer { close(fd) }
        do { _ = try FileDescriptor(rawValue: fd).writeAll(bytes) } catch {
            throw removing(path, .wavFile(path: path, reason: "\(error)"))
        }
        guard fsync(fd) == 0 else { throw removing(path, failure()) }
    }

    /// Deletes a half-written file, returning `error` (taken before `unlink` could change errno) to throw.
    private static func removing(_ path: String, _ error: SpeechError) -> SpeechError {
        unlink(path)
        return error
    }

    /// `yyyyMMdd-HHmmss.SSS` in UTC: fixed width and free of daylight-saving jumps, so names sort by time.
    static func timestamp(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d%02d%02d-%02d%02d%02d.%03d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(milliseconds % 1000))
    }

    /// The words of `text` as lower-case ASCII joined by dashes ("Zoë O'Neil" → "zoe-o-neil"), at most 48
    /// characters, to tell files apart at a glance; "speech" when no ASCII letter or digit is left.
    static func slug(_ text: String) -> String {
        // Decomposing splits "ë" into "e" and a combining mark; the mark is dropped, anything else becomes a gap.
        let ascii = text.decomposedStringWithCanonicalMapping.lowercased().unicodeScalars.compactMap {
            scalar -> Character? in
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                return Character(scalar)
            }
            return scalar.properties.generalCategory == .nonspacingMark ? nil : " "
        }
        let words = String(ascii).split(separator: " ").joined(separator: "-")
        let short = words.prefix(48).split(separator: "-").joined(separator: "-")
        return short.isEmpty ? "speech" : short
    }
}
