import Foundation

/// When each person (and "unknown") was last greeted, in Unix seconds, kept in a JSON file in the state
/// directory so that cooldowns survive restarts.
///
/// ```json
/// { "version": 1, "people": { "Alice": 1717000000.5 }, "unknown": 1717000100 }
/// ```
public struct GreetingLog: Sendable {
    public static let fileName = "greetings.json"

    public let path: String
    public private(set) var lastGreeted: [Identity: Double]

    private struct Stored: Codable {
        var version: Int
        var people: [String: Double]
        var unknown: Double?
    }
    private static let version = 1

    /// Loads the log from `stateDirectory`. A missing file is a first start; an unreadable or corrupt one gives
    /// an empty log plus the error to report.
    public static func load(stateDirectory: String) -> (GreetingLog, GreetingLogError?) {
        let path = stateDirectory.hasSuffix("/") ? stateDirectory + fileName : stateDirectory + "/" + fileName
        let empty = GreetingLog(path: path, lastGreeted: [:])
        guard FileManager.default.fileExists(atPath: path) else { return (empty, nil) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            // Foundation's own message is generic ("could not be completed"); the POSIX cause says what is wrong.
            let cause = (error as NSError).userInfo[NSUnderlyingErrorKey] as? POSIXError
            let reason = cause.map { String(cString: strerror($0.code.rawValue)) } ?? error.localizedDescription
            return (empty, .unreadable(path: path, reason: reason))
        }
        do {
            let stored = try JSONDecoder().decode(Stored.self, from: data)
            guard stored.version == version else {
                return (empty, .corrupt(path: path, reason: "version \(stored.version) is not supported, expected \(version)"))
            }
            var lastGreeted = Dictionary(uniqueKeysWithValues: stored.people.map { (Identity.person($0.key), $0.value) })
            lastGreeted[.unknown] = stored.unknown
            return (GreetingLog(path: path, lastGreeted: lastGreeted), nil)
        } catch let error as DecodingError {
            return (empty, .corrupt(path: path, reason: describe(error)))
        } catch {
            return (empty, .corrupt(path: path, reason: "\(error)"))
        }
    }

    /// Records that `identities` were greeted at `unix` and saves the file atomically. On a save error the
    /// in-memory log is still updated, so cooldowns hold for the rest of this run.
    public mutating func record(_ identities: [Identity], at unix: Double) throws(GreetingLogError) {
        for identity in identities { lastGreeted[identity] = unix }
        var stored = Stored(version: Self.version, people: [:], unknown: lastGreeted[.unknown])
        for case (.person(let name), let time) in lastGreeted { stored.people[name] = time }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes: [UInt8]
        do {
            bytes = Array(try encoder.encode(stored))
        } catch {
            throw .unwritable(path: path, reason: "\(error)")
        }
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .unwritable(path: path, reason: error.description)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "top level" : path.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(at(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing key \"\(at(context.codingPath + [key]))\""
        case .typeMismatch(let type, let context):
            return "\(at(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(at(context.codingPath)): null where \(type) was expected"
        @unknown default:
            return "\(error)"
        }
    }
}
