import Foundation
import Glibc

/// Writing, pruning and forgetting visits. Images first, the record last: a visit that is listed has its files.
extension VisitStore {
    /// The id a track that started at `start` gets, before any suffix (`YYYYMMDD-HHMMSS-N`, UTC).
    public static func baseID(start: Date, track: TrackID) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: start)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(String(format: "%04d", c.year ?? 0))\(two(c.month))\(two(c.day))-\(two(c.hour))\(two(c.minute))\(two(c.second))-\(track)"
    }

    /// Whether `text` has the form of a visit id (so it names no other file of the folder, nor a path).
    public static func isID(_ text: String) -> Bool {
        text.wholeMatch(of: /[0-9]{8}-[0-9]{6}-[0-9]+(-[0-9]+)?/) != nil
    }

    /// The UTC start time written in an id, nil if it has none.
    static func start(of id: String) -> Date? {
        guard isID(id) else { return nil }
        let digits = id.filter(\.isNumber).map { Int(String($0))! }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        let parts = DateComponents(year: number(0..<4), month: number(4..<6), day: number(6..<8),
                                   hour: number(8..<10), minute: number(10..<12), second: number(12..<14))
        return utc.date(from: parts)
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The ids of the visits kept (those with a record), sorted as text.
    public func ids() throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.compactMap { name in
            guard name.hasSuffix(".json"), !name.hasPrefix(".") else { return nil }
            return String(name.dropLast(5))
        }.sorted()
    }

    /// The names the images of visit `id` get.
    public static func faceFile(_ id: String) -> String { id + ".jpg" }
    public static func frameFile(_ id: String) -> String { id + "-frame.jpg" }

    /// Keeps `visit` (replacing it if it exists) with its JPEG face crop and context frame, when given; every
    /// file 0600 in a 0700 folder.
    public func write(_ visit: Visit, face: [UInt8]?, frame: [UInt8]?) throws {
        try PrivateDirectory.create(directory)
        var visit = visit
        if let face {
            try AtomicFile.write(face, to: path(of: Self.faceFile(visit.id)))
            visit.face = Self.faceFile(visit.id)
        }
        if let frame {
            try AtomicFile.write(frame, to: path(of: Self.frameFile(visit.id)))
            visit.frame = Self.frameFile(visit.id)
        }
        try AtomicFile.write(try Self.encoder.encode(visit), to: path(of: visit.id + ".json"))
    }

    /// Replaces the record of a visit already kept, leaving its images; false when it is gone (forgotten).
    public func update(_ visit: Visit) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path(of: visit.id + ".json")) else { return false }
        try AtomicFile.write(try Self.encoder.encode(visit), to: path(of: visit.id + ".json"))
        return true
    }

    /// Deletes visit `id`: its record first (it is no longer listed), then its images.
    public func forget(_ id: String) throws {
        precondition(Self.isID(id), "VisitStore.forget: \(id) is not a visit id")
        for name in [id + ".json", Self.faceFile(id), Self.frameFile(id)] {
            if unlink(path(of: name)) != 0, errno != ENOENT { throw SystemError("cannot delete \(path(of: name))") }
        }
    }

    /// Deletes visits that started more than `keepDays` before `now`, then the oldest beyond `maxCount`, and
    /// images left without a record (a visit forgotten halfway); returns the ids of the visits deleted.
    @discardableResult
    public func prune(keepDays: Double, maxCount: Int, now: Date) throws -> [String] {
        let cutoff = now.addingTimeInterval(-keepDays * 86_400)
        let kept = try ids().map { ($0, Self.start(of: $0)) }.sorted { ($0.1 ?? .distantPast, $0.0) < ($1.1 ?? .distantPast, $1.0) }
        let old = kept.filter { ($0.1 ?? .distantPast) < cutoff }.map(\.0)
        let young = kept.map(\.0).filter { !old.contains($0) }
        let doomed = old + young.dropLast(maxCount)
        for id in doomed where Self.isID(id) { try forget(id) }
        let records = Set(try ids())
        try deleteImages { !records.contains($0) }
        return doomed
    }

    /// `visits.enabled = false`: every image goes, the records stay (without their image names).
    public func dropImages() throws {
        for visit in try all() where visit.face != nil || visit.frame != nil {
            var bare = visit
            (bare.face, bare.frame) = (nil, nil)
            _ = try update(bare)
        }
        try deleteImages { _ in true }
    }

    /// Deletes the face crops and frames of the visits `doomed` picks (by id).
    private func deleteImages(of doomed: (String) -> Bool) throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".jpg") {
            let id = name.hasSuffix("-frame.jpg") ? String(name.dropLast(10)) : String(name.dropLast(4))
            guard Self.isID(id), doomed(id) else { continue }
            if unlink(path(of: name)) != 0, errno != ENOENT { throw SystemError("cannot delete \(path(of: name))") }
        }
    }

    /// The records' JSON: ISO-8601 dates, keys sorted.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
