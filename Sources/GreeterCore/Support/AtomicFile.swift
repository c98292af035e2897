import Glibc
import SystemPackage

/// Replaces a file so that a crash or power cut leaves either the old content or the new, never a mix:
/// write a hidden temporary file beside it, fsync it, rename it over the target, fsync the directory.
public enum AtomicFile {
    /// Writes `bytes` ([UInt8], Data, `string.utf8`, ...) to `path`. The mode defaults to owner-only
    /// because what the daemon keeps (greeting times, face embeddings) is nobody else's business.
    public static func write<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, to path: String, permissions: mode_t = 0o600
    ) throws(SystemError) {
        let (directory, name) = split(path)
        guard !name.isEmpty else { throw SystemError("cannot write \(path)", code: EISDIR) }
        let (fd, temporary) = try createTemporary(beside: name, in: directory)
        var renamed = false
        defer { if !renamed { unlink(temporary) } }

        do throws(SystemError) {
            try writeAll(Array(bytes), to: fd, path: temporary)  // no copy when `bytes` is an Array
            guard fchmod(fd, permissions) == 0 else { throw SystemError("cannot set the mode of \(temporary)") }
            guard fsync(fd) == 0 else { throw SystemError("cannot flush \(temporary) to disk") }
        } catch {
            close(fd)
            throw error
        }
        // close can report a deferred write error (NFS), so it is checked, not deferred.
        guard close(fd) == 0 else { throw SystemError("cannot close \(temporary)") }

        guard rename(temporary, path) == 0 else { throw SystemError("cannot rename \(temporary) to \(path)") }
        renamed = true
        try syncDirectory(directory, of: path)
    }

    /// Hidden and with a random suffix, so a gallery watcher or a reader listing the directory skips it
    /// and two writers never share one.
    private static func createTemporary(beside name: String, in directory: String) throws(SystemError) -> (Int32, String) {
        while true {
            let candidate = "\(directory)/.\(name).tmp-\(String(UInt32.random(in: .min ... .max), radix: 36))"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { return (fd, candidate) }
            guard errno == EEXIST else { throw SystemError("cannot create \(candidate) to replace \(directory)/\(name)") }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(SystemError) {
        _ = try SystemError.attempt("cannot write \(path)") { try FileDescriptor(rawValue: fd).writeAll(bytes) }
    }

    /// The rename itself is only durable once the directory entry is on disk.
    private static func syncDirectory(_ directory: String, of path: String) throws(SystemError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("cannot open \(directory) to make the new \(path) durable") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw SystemError("cannot flush \(directory) after replacing \(path)") }
    }

    /// The directory ("." for a bare name) and the file name of `path`.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = path[..<slash]
        return (directory.isEmpty ? "/" : String(directory), String(path[path.index(after: slash)...]))
    }
}
