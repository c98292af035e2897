import Glibc

/// A whole file read straight into one byte array: Foundation's `Data` and a copy into `[UInt8]` would hold a
/// 94 MB model twice at start-up.
public enum FileBytes {
    public static func read(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("cannot open \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError("cannot stat \(path)") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw SystemError("cannot read \(path)", code: EISDIR) }
        let size = Int(info.st_size)
        var failure: Int32?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = Glibc.read(fd, buffer.baseAddress! + count, size - count)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { failure = n < 0 ? errno : EIO; return }
                count += n
            }
        }
        if let failure { throw SystemError("cannot read \(path)", code: failure) }
        return bytes
    }
}
