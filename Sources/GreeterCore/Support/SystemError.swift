import Glibc
import SystemPackage

/// A failed system call, told as what was being done to which file or socket and the errno text,
/// e.g. "cannot rename /var/lib/door-greeter/.state.json.tmp-x1 to state.json: Permission denied".
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// What was attempted, naming the path or object involved.
    public let action: String
    public let code: Int32
    /// Why, when the errno text would not say it (a FIFO where a photo was expected is not "Invalid argument").
    private let explanation: String?

    /// `code` defaults to the current `errno`, so construct it right after the failing call.
    public init(_ action: String, code: Int32 = errno) {
        self.action = action
        self.code = code
        explanation = nil
    }

    public init(_ action: String, code: Int32, reason: String) {
        self.action = action
        self.code = code
        explanation = reason
    }

    /// The cause alone, in lower case, for messages that already name the file.
    public var reason: String { explanation ?? String(cString: strerror(code)).lowercased() }

    public var description: String { "\(action): \(explanation ?? String(cString: strerror(code)))" }
}

extension SystemError {
    /// Runs system calls through swift-system, which retries those EINTR interrupts (the one place that does),
    /// and names what failed with the errno it gave.
    static func attempt<T>(_ action: @autoclosure () -> String, _ body: () throws -> T) throws(SystemError) -> T {
        do {
            return try body()
        } catch let error as Errno {
            throw SystemError(action(), code: error.rawValue)
        } catch {
            throw SystemError(action(), code: EIO)
        }
    }
}
