import Foundation

/// What a scan of the gallery found: who is enrolled from which files, and every photo that was refused and why.
public struct GalleryReport: Sendable {
    public struct Person: Sendable, Codable, Equatable {
        public let name: String
        public let files: [String]
        /// Template kinds per file, e.g. ["photo", "mask:surgical-blue"].
        public let templates: [String]
        /// Corrections: faces that are not this person (`NAME/.not/...`).
        public let negatives: [String]
    }

    public struct Rejection: Sendable, Codable, Hashable {
        public let file: String
        public let reason: String
    }

    public let directory: String
    public let people: [Person]
    public let rejections: [Rejection]
    public let matcher: Matcher
    /// Photos embedded by this scan (0 when everything came from the cache).
    public let embedded: Int
    /// Problems with the cache file: reported, never fatal (the gallery is then embedded again).
    public let cacheWarnings: [String]
    /// Photos still being written or changed too recently to read: a later scan looks at them again.
    public let unsettled: [String]
    /// Each person's main face (the first photo's "photo" template), to tell when it changes.
    public let faces: [String: [Float]]
}

/// The gallery folder: one photo per person, the file name is the name. Owned by one queue at a time; a scan
/// reuses the cached result of every photo whose size and time (or, failing those, content hash) are unchanged.
public final class Gallery {
    public struct Settings: Sendable {
        public var enrolment = PhotoEnroller.Settings()
        /// A photo this close (L2) to another person's photo is refused as a probable duplicate or mislabel.
        public var duplicateDistance: Float = 0.6
        public init() {}
    }

    /// The daemon reads a changed file once it has not changed for this long (and its writer has closed it).
    public static let settleSeconds = 0.5
    /// A long first enrolment saves the cache at least this often, so a crash loses little of it.
    static let checkpointSeconds = 5.0

    /// A scan ended by `shouldStop`, after saving what it had.
    public struct Stopped: Error {}

    public let directory: String
    private let analyzer: FaceAnalyzer
    private let settings: Settings
    private let cachePath: String?
    private let fingerprint: String
    private var cache: [String: CachedPhoto] = [:]
    private var warnings: [String] = []
    /// The photos the last scan accepted, for `refusal(of:as:)`.
    private var accepted: [(entry: GalleryFiles.Entry, photo: CachedPhoto)] = []

    public init(directory: String, analyzer: FaceAnalyzer, settings: Settings, cachePath: String?) {
        self.directory = directory
        self.analyzer = analyzer
        self.settings = settings
        self.cachePath = cachePath
        fingerprint = ModelFiles.fingerprint(alignment: settings.enrolment.fingerprint)
        guard let cachePath else { return }
        do {
            for photo in try EmbeddingStore.read(from: cachePath, modelFingerprint: fingerprint) ?? [] {
                cache[photo.path] = photo
            }
        } catch {
            warnings.append("ignoring the embedding cache: \(error)")
        }
    }

    /// Looks at every file; `progress(done, total)` is called as photos are processed. Files in `beingWritten`
    /// (a writer has them open) or modified in the last `settle` seconds are left for a later scan (the daemon's
    /// watch; a one-off listing reads everything). A scan that
    /// embeds for long saves the cache every few seconds and then calls `checkpoint(done, total)`; between photos
    /// it asks `shouldStop` and, if so, saves and throws `Stopped`.
    public func scan(settle: Double = 0, beingWritten: Set<String> = [], progress: (Int, Int) -> Void = { _, _ in },
                     checkpoint: (Int, Int) -> Void = { _, _ in },
                     shouldStop: () -> Bool = { false }) throws -> GalleryReport {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw EnrolmentProblem("gallery folder \(directory) does not exist")
        }
        let entries = try GalleryFiles.list(directory)
        var rejections: [GalleryReport.Rejection] = []
        var photos: [(entry: GalleryFiles.Entry, photo: CachedPhoto)] = []
        var fresh: [String: CachedPhoto] = [:]
        var unsettled: [String] = []
        var embedded = 0
        var lastSave = MonotonicClock.now()
        let enroller = PhotoEnroller(analyzer: analyzer, settings: settings.enrolment)
        // By content: a photo moved (NAME.jpg into NAME/) keeps its templates without being embedded again.
        let byContent = Dictionary(cache.values.map { ($0.sha256, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, entry) in entries.enumerated() {
            defer { progress(index + 1, entries.count) }
            if shouldStop() {
                saveCache(cache.merging(fresh) { $1 })
                throw Stopped()
            }
            guard entry.isImage else {
                rejections.append(.init(file: entry.path, reason: "not an image file name (."
                    + "\((entry.path as NSString).pathExtension)); photos are "
                    + GalleryFiles.imageExtensions.sorted().map { "." + $0 }.joined(separator: " ")))
                continue
            }
            let before = embedded
            let loaded = load(entry, enroller: enroller, byContent: byContent, embedded: &embedded,
                              settle: beingWritten.contains(entry.path) ? .infinity : settle)
            switch loaded {
            case .problem(let problem):
                rejections.append(.init(file: entry.path, reason: problem.description))
            case .unsettled:
                unsettled.append(entry.path)
                // Until the new version can be read, the old one (if any) stays.
                guard let old = cache[entry.path] else { continue }
                fresh[entry.path] = old
                if old.rejection == nil { photos.append((entry, old)) }
            case .photo(let photo):
                fresh[entry.path] = photo
                if let reason = photo.rejection {
                    rejections.append(.init(file: entry.path, reason: reason))
                } else {
                    photos.append((entry, photo))
                }
            }
            if embedded > before, MonotonicClock.now() - lastSave >= Self.checkpointSeconds {
                saveCache(cache.merging(fresh) { $1 })
                lastSave = MonotonicClock.now()
                checkpoint(index + 1, entries.count)
            }
        }
        if fresh != cache { saveCache(fresh) }
        cache = fresh
        let (accepted, conflicts) = crossCheck(photos)
        self.accepted = accepted
        return report(accepted, rejections: rejections + conflicts, embedded: embedded, unsettled: unsettled)
    }

    /// Why the gallery would refuse `bytes` as a new photo of `name` (or as a negative of `name`), judged
    /// against what the last scan accepted by the same checks a scan makes; nil when it would be enrolled.
    public func refusal(of bytes: [UInt8], as name: String, negative: Bool = false) -> EnrolmentProblem? {
        let entry = GalleryFiles.Entry(path: "\(name) (new)", name: name, topLevel: false, isImage: true,
                                       negative: negative)
        var photo = CachedPhoto(path: entry.path, name: name, size: Int64(bytes.count), mtimeNanoseconds: .max,
                                sha256: SHA256.hexDigest(of: bytes))
        switch enrol(bytes, entry: entry, enroller: PhotoEnroller(analyzer: analyzer, settings: settings.enrolment)) {
        case .success(let templates): photo.templates = templates
        case .failure(let problem): return problem
        }
        // The newest file loses a clash, so the existing photos stay and this one is the one refused. A single
        // photo of the same name goes into the folder form with it (`GalleryEditor`): no clash of names.
        let key = PersonName.key(name)
        let existing = accepted.map { item in
            guard item.entry.topLevel, PersonName.key(item.entry.name) == key else { return item }
            var moved = item
            moved.entry = GalleryFiles.Entry(path: item.entry.path, name: item.entry.name, topLevel: false,
                                             isImage: item.entry.isImage)
            return moved
        }
        let (_, rejections) = crossCheck(existing + [(entry, photo)])
        return rejections.first { $0.file == entry.path }.map { EnrolmentProblem($0.reason) }
    }

    /// A negative is embedded as the face it is, without augmentations: a correction is about that face.
    private func enrol(_ bytes: [UInt8], entry: GalleryFiles.Entry, enroller: PhotoEnroller)
        -> Result<[Template], EnrolmentProblem> {
        guard entry.negative else { return enroller.enrol(bytes) }
        var plain = enroller
        plain.settings.augmentations = []
        return plain.enrol(bytes).map { $0.map { Template(kind: Template.negativeKind, embedding: $0.embedding) } }
    }

    private enum Loaded {
        case photo(CachedPhoto)
        case problem(EnrolmentProblem)
        /// Being written, or changed a moment ago: not read yet.
        case unsettled
    }

    /// The cached result when the file is unchanged, or a fresh enrolment. Only regular files are opened; a
    /// changed one only once it is `settle` seconds old.
    private func load(_ entry: GalleryFiles.Entry, enroller: PhotoEnroller, byContent: [String: CachedPhoto],
                      embedded: inout Int, settle: Double) -> Loaded {
        let path = (directory as NSString).appendingPathComponent(entry.path)
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .problem(EnrolmentProblem("cannot read: \(String(cString: strerror(errno)).lowercased())"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .problem(EnrolmentProblem("\(FileBytes.fileKind(info.st_mode)), not a regular file"))
        }
        let size = Int64(info.st_size)
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        if let cached = cache[entry.path], cached.size == size, cached.mtimeNanoseconds == mtime, cached.name == entry.name {
            return .photo(cached)
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let age = Double(Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) - mtime) / 1e9
        // A time in the future (a skewed clock, touch -d) is not "a moment ago".
        if settle == .infinity || (0..<settle).contains(age) { return .unsettled }
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch {
            return .problem(EnrolmentProblem("cannot read: \(error.reason)"))
        }
        let digest = SHA256.hexDigest(of: bytes)
        if var cached = cache[entry.path] ?? byContent[digest], cached.sha256 == digest, cached.name == entry.name,
           cached.templates.allSatisfy({ Template.isNegative(kind: $0.kind) == entry.negative }) {
            (cached.path, cached.size, cached.mtimeNanoseconds) = (entry.path, size, mtime)
            return .photo(cached)
        }
        embedded += 1
        var photo = CachedPhoto(path: entry.path, name: entry.name, size: size, mtimeNanoseconds: mtime,
                                sha256: digest, rejection: nil, templates: [])
        switch enrol(bytes, entry: entry, enroller: enroller) {
        case .success(let templates): photo.templates = templates
        case .failure(let problem): photo.rejection = problem.description
        }
        return .photo(photo)
    }

    /// Refuses photos that clash with others: a second top-level file for one name, and a face that is already
    /// enrolled under another name. Older files win, so a new arrival cannot push out someone enrolled before.
    private func crossCheck(_ photos: [(entry: GalleryFiles.Entry, photo: CachedPhoto)])
        -> (accepted: [(entry: GalleryFiles.Entry, photo: CachedPhoto)], rejections: [GalleryReport.Rejection]) {
        var accepted: [(entry: GalleryFiles.Entry, photo: CachedPhoto)] = []
        var rejections: [GalleryReport.Rejection] = []
        var owner: [String: GalleryFiles.Entry] = [:]
        for item in photos.sorted(by: { ($0.photo.mtimeNanoseconds, $0.entry.path) < ($1.photo.mtimeNanoseconds, $1.entry.path) }) {
            // A negative is near someone else by design (it is the face a person was mistaken for).
            if item.entry.negative {
                accepted.append(item)
                continue
            }
            let key = PersonName.key(item.entry.name)
            if let first = owner[key], item.entry.topLevel || first.topLevel {
                rejections.append(.init(file: item.entry.path, reason: "same name (\(item.entry.name)) as \(first.path); "
                    + "put several photos of one person in a folder \(key.replacingOccurrences(of: " ", with: "-"))/"))
                continue
            }
            let mine = item.photo.templates.first { $0.kind == Template.photoKind }?.embedding ?? []
            let lookalike = accepted.lazy
                .filter { PersonName.key($0.entry.name) != key }
                .compactMap { other -> (GalleryFiles.Entry, Float)? in
                    guard let theirs = other.photo.templates.first(where: { $0.kind == Template.photoKind })?.embedding,
                          !mine.isEmpty else { return nil }
                    return (other.entry, l2Distance(mine, theirs))
                }
                .min { $0.1 < $1.1 }
            if let (other, distance) = lookalike, distance < settings.duplicateDistance {
                rejections.append(.init(file: item.entry.path, reason: String(format:
                    "looks like %@ in %@ (distance %.3f, under gallery.duplicate_distance %.2f): the same person "
                    + "under two names, or a mislabelled photo?", other.name, other.path, distance, settings.duplicateDistance)))
                continue
            }
            owner[key] = owner[key] ?? item.entry
            accepted.append(item)
        }
        return (accepted, rejections)
    }

    private func report(_ accepted: [(entry: GalleryFiles.Entry, photo: CachedPhoto)],
                        rejections: [GalleryReport.Rejection], embedded: Int, unsettled: [String]) -> GalleryReport {
        var byName: [String: [CachedPhoto]] = [:]
        var negatives: [String: [String]] = [:]
        for item in accepted {
            if item.entry.negative { negatives[item.entry.name, default: []].append(item.entry.path) }
            else { byName[item.entry.name, default: []].append(item.photo) }
        }
        let people = byName.keys.sorted().map { name in
            let files = byName[name]!.sorted { $0.path < $1.path }
            return GalleryReport.Person(name: name, files: files.map(\.path),
                                        templates: files.flatMap { $0.templates.map(\.kind) },
                                        negatives: (negatives[name] ?? []).sorted())
        }
        // Negatives of someone with no photo left have nobody to guard.
        let templates = accepted.filter { byName[$0.entry.name] != nil }.flatMap { item in
            item.photo.templates.map { (name: item.entry.name, kind: $0.kind, embedding: $0.embedding) }
        }
        var faces: [String: [Float]] = [:]
        for name in byName.keys {
            let first = byName[name]!.min { $0.path < $1.path }
            faces[name] = first?.templates.first { $0.kind == Template.photoKind }?.embedding
        }
        return GalleryReport(directory: directory, people: people,
                             rejections: rejections.sorted { $0.file < $1.file },
                             matcher: Matcher(templates: templates), embedded: embedded, cacheWarnings: warnings,
                             unsettled: unsettled, faces: faces)
    }

    private func saveCache(_ photos: [String: CachedPhoto]) {
        guard let cachePath else { return }
        do {
            try PrivateDirectory.create((cachePath as NSString).deletingLastPathComponent)
            try EmbeddingStore.write(photos.values.sorted { $0.path < $1.path }, modelFingerprint: fingerprint,
                                     embeddingDimension: FaceEmbedder.dimension, to: cachePath)
        } catch {
            warnings.append("cannot write the embedding cache: \(error)")
        }
    }
}
