import Foundation

/// The visit log's folder, `STATE/visits`: what the daemon writes and the `visits`, `enrol --from-visit` and
/// `correct` commands read, also while the daemon runs (every file is replaced atomically).
public struct VisitStore: Sendable {
    public static let folderName = "visits"
    public let directory: String

    public init(stateDirectory: String) {
        directory = (stateDirectory as NSString).appendingPathComponent(Self.folderName)
    }

    /// Every readable visit, oldest first; a missing folder is no visits.
    public func all() throws -> [Visit] {
        // By start time (whole seconds), then track number: within one second the ids differ only there, so
        // the shorter one is the lower number ("-9" before "-10").
        try ids().compactMap { try? read(path(of: $0 + ".json")) }
            .sorted { ($0.start, $0.id.count, $0.id) < ($1.start, $1.id.count, $1.id) }
    }

    /// The visit `id`, or an error that says where to look.
    public func visit(_ id: String) throws -> Visit {
        let file = path(of: id + ".json")
        guard FileManager.default.fileExists(atPath: file) else {
            throw SystemError("cannot find the visit \(id) in \(directory)", code: ENOENT, reason: "no such visit (`door-greeter visits` lists them)")
        }
        return try read(file)
    }

    /// A file of the folder, by the name a `Visit` gives it.
    public func path(of file: String) -> String { (directory as NSString).appendingPathComponent(file) }

    private func read(_ file: String) throws -> Visit {
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(Visit.self, from: Data(try FileBytes.read(file)))
        } catch {
            throw SystemError("cannot read the visit \(file)", code: EINVAL, reason: "\(error)")
        }
    }
}
