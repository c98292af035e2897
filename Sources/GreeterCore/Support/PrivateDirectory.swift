import Foundation
import Glibc

/// A folder for what the program keeps about faces (embeddings, greeting times): 0700 whatever the umask, like
/// the 0600 files in it. Its parents are made as usual; an existing folder of ours is made private too.
public enum PrivateDirectory {
    public static func create(_ path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw SystemError("cannot create the folder \(path)") }
        var info = stat()
        guard stat(path, &info) == 0 else { throw SystemError("cannot look at the folder \(path)") }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw SystemError("cannot use \(path) as a folder", code: ENOTDIR)
        }
        // Someone else's folder (a shared one named on purpose) is left as it is.
        if info.st_uid == geteuid(), info.st_mode & 0o7777 != 0o700, chmod(path, 0o700) != 0 {
            throw SystemError("cannot make the folder \(path) private (0700)")
        }
    }
}
