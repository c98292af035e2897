/// Why the greeting log could not be loaded or saved. Never fatal: the daemon logs it and keeps greeting.
public enum GreetingLogError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read greeting log \(path): \(reason); starting with no cooldowns"
        case .corrupt(let path, let reason):
            "greeting log \(path) is corrupt (\(reason)); starting with no cooldowns, it is replaced at the next greeting"
        case .unwritable(let path, let reason):
            "cannot save greeting log \(path): \(reason); cooldowns will not survive a restart"
        }
    }
}
