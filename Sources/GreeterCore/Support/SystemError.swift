import Glibc

/// A failed system call, told as what was being done to which file or socket and the errno text,
/// e.g. "cannot rename /var/lib/door-greeter/.state.json.tmp-x1 to state.json: Permission denied".
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// What was attempted, naming the path or object involved.
    public let action: String
    public let code: Int32

    /// `code` defaults to the current `errno`, so construct it right after the failing call.
    public init(_ action: String, code: Int32 = errno) {
        self.action = action
        self.code = code
    }

    public var description: String { "\(action): \(String(cString: strerror(code)))" }
}
