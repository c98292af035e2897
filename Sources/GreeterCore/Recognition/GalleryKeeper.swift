import Dispatch
import Foundation
import Logging

/// The daemon's hold on the gallery folder: scans it (cache in the state directory), watches it with inotify,
/// and logs what changed between two scans — each enrolment, removal and refused photo once.
public final class GalleryKeeper {
    private var gallery: Gallery
    private var directory: String
    private var watcher: GalleryWatcher?
    private var last: GalleryReport?
    private let analyzer: FaceAnalyzer
    private let logger: Logger

    public init(config: Config, analyzer: FaceAnalyzer, logger: Logger) {
        self.analyzer = analyzer
        self.logger = logger
        directory = config.gallery.directory
        gallery = Self.gallery(config, analyzer: analyzer)
    }

    private static func gallery(_ config: Config, analyzer: FaceAnalyzer) -> Gallery {
        Gallery(directory: config.gallery.directory, analyzer: analyzer, settings: config.gallerySettings,
                cachePath: "\(config.state.directory)/embeddings.h5")
    }

    /// Scans the folder and logs the differences from the previous scan. Photos the watcher sees being written
    /// are left for later; `progress` is called after each photo, `checkpoint(done, total)` after each save of a
    /// long enrolment, and `stop` between photos (true: `Gallery.Stopped` is thrown).
    public func rescan(stop: () -> Bool = { false }, progress: () -> Void = {},
                       checkpoint: (Int, Int) -> Void = { _, _ in }) throws -> GalleryReport {
        let report = try gallery.scan(settle: Gallery.settleSeconds, beingWritten: watcher?.beingWritten() ?? [],
                                      progress: { _, _ in progress() },
                                      checkpoint: checkpoint, shouldStop: stop)
        logChanges(from: last, to: report)
        last = report
        return report
    }

    /// New gallery settings or folder (a reload): the next rescan uses them; the watcher follows the folder.
    public func reconfigure(_ config: Config, queue: DispatchQueue, onChange: @escaping @Sendable () -> Void) {
        gallery = Self.gallery(config, analyzer: analyzer)
        guard config.gallery.directory != directory else { return }
        directory = config.gallery.directory
        stopWatching()
        watch(queue: queue, onChange: onChange)
    }

    public func watch(queue: DispatchQueue, onChange: @escaping @Sendable () -> Void) {
        let watcher = GalleryWatcher(directory: directory, queue: queue, logger: logger) { change in
            if !change.isEmpty { onChange() }
        }
        do {
            try watcher.start()
            self.watcher = watcher
        } catch {
            logger.error("not watching the gallery for new photos: \(error)")
        }
    }

    public func stopWatching() {
        watcher?.stop()
        watcher = nil
    }

    private func logChanges(from old: GalleryReport?, to new: GalleryReport) {
        let before = Dictionary(uniqueKeysWithValues: (old?.people ?? []).map { ($0.name, $0) })
        let after = Dictionary(uniqueKeysWithValues: new.people.map { ($0.name, $0) })
        // A photo replaced under the same name leaves the person's files and template kinds as they were: the face
        // itself is compared, or another person's photo under a known name would pass unnoticed.
        for person in new.people {
            let previous = before[person.name]
            if previous?.files != person.files || previous?.templates != person.templates
                || old?.faces[person.name] != new.faces[person.name] {
                if let previous = old?.faces[person.name], let now = new.faces[person.name], previous != now {
                    logger.notice("photo of \(person.name) changed: now \(String(format: "%.2f", l2Distance(previous, now))) from the previous face")
                }
                logger.notice("enrolled \(person.name) from \(person.files.joined(separator: ", ")) (\(person.templates.count) templates)")
            }
            if (previous?.negatives ?? []) != person.negatives {
                let files = person.negatives.isEmpty ? "" : " (\(person.negatives.joined(separator: ", ")))"
                logger.notice("corrections of \(person.name): \(person.negatives.count) faces marked not \(person.name)\(files)")
            }
        }
        for person in old?.people ?? [] where after[person.name] == nil {
            logger.notice("unenrolled \(person.name) (\(person.files.joined(separator: ", ")) gone or refused)")
        }
        let known = Set(old?.rejections ?? [])
        for rejection in new.rejections where !known.contains(rejection) {
            logger.warning("refused gallery photo \(rejection.file): \(rejection.reason)")
        }
        for warning in new.cacheWarnings where !(old?.cacheWarnings.contains(warning) ?? false) {
            logger.warning("gallery cache: \(warning)")
        }
    }
}
