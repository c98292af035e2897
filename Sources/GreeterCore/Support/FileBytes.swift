import Glibc
import SystemPackage

/// A whole file read straight into one byte array: Foundation's `Data` and a copy into `[UInt8]` would hold a
/// 94 MB model twice at start-up.
public enum FileBytes {
    /// Reads a regular file, and only that: anyone who can write a folder can put a FIFO or a device in it, and
    /// a blocking open(2) of a FIFO waits for a writer forever. So the open does not block (O_NONBLOCK), the
    /// type is checked on the open descriptor, and at most the size fstat gives is read.
    public static func read(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = try SystemError.attempt("cannot open \(path)") {
            try FileDescriptor.open(FilePath(path), .readOnly,
                                    options: [.closeOnExec, .nonBlocking, FileDescriptor.OpenOptions(rawValue: O_NOCTTY)])
        }
        defer { try? fd.close() }
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0 else { throw SystemError("cannot stat \(path)") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SystemError("cannot read \(path)", code: EINVAL, reason: "\(fileKind(info.st_mode)), not a regular file")
        }
        let size = Int(info.st_size)
        return try SystemError.attempt("cannot read \(path)") {
            try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = 0
                while count < size {
                    let n = try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count...]))
                    guard n > 0 else { throw Errno.ioError }  // shorter than fstat said: truncated meanwhile
                    count += n
                }
            }
        }
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
