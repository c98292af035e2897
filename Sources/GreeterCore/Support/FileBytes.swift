import Glibc

/// A whole file read straight into one byte array: Foundation's `Data` and a copy into `[UInt8]` would hold a
/// 94 MB model twice at start-up.
public enum FileBytes {
    /// Reads a regular file, and only that: anyone who can write a folder can put a FIFO or a device in it, and
    /// a blocking open(2) of a FIFO waits for a writer forever. So the open does not block (O_NONBLOCK), the
    /// type is checked on the open descriptor, and at most the size fstat gives is read.
    public static func read(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw SystemError("cannot open \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError("cannot stat \(path)") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SystemError("cannot read \(path)", code: EINVAL, reason: "\(fileKind(info.st_mode)), not a regular file")
        }
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

    /// What a non-regular file is, in words for the one line that refuses it.
    public static func fileKind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a folder"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}
