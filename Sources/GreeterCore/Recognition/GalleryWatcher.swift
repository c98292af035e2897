import Dispatch
import Glibc
import Logging
import Synchronization
import SystemPackage

/// What changed in the gallery during one burst of activity. Paths are relative to the gallery
/// directory, like `GalleryFiles.Entry.path`: `alice.jpg`, `bob/beach.png`, or a folder `bob`.
public struct GalleryChange: Sendable, Equatable {
    /// Photos that were completely written or moved in (new, replaced or renamed to this name).
    public var ready: Set<String> = []
    /// Photos, or whole person folders, that were deleted, moved out or renamed away.
    /// Apply these before `ready`: a folder removed and made again in one burst is in both.
    public var removed: Set<String> = []
    /// Events were lost (the kernel queue overflowed) or the gallery directory itself was deleted or
    /// moved: the paths above are incomplete, so reload everything.
    public var rescan = false

    public init(ready: Set<String> = [], removed: Set<String> = [], rescan: Bool = false) {
        self.ready = ready
        self.removed = removed
        self.rescan = rescan
    }

    public var isEmpty: Bool { ready.isEmpty && removed.isEmpty && !rescan }

    /// The latest event for a path wins, so a photo written and deleted in one burst counts as removed.
    mutating func markReady(_ path: String) {
        removed.remove(path)
        ready.insert(path)
    }

    mutating func markRemoved(_ path: String) {
        ready.remove(path)
        removed.insert(path)
    }

    /// The folder's entry stands for every photo in it.
    mutating func markFolderRemoved(_ folder: String) {
        let prefix = folder + "/"
        ready = ready.filter { !$0.hasPrefix(prefix) }
        removed = removed.filter { !$0.hasPrefix(prefix) }
        removed.insert(folder)
    }
}

/// Watches the gallery directory, its person folders (`NAME/`, one level down) and their corrections
/// (`NAME/.not/`) with inotify and reports photos that are ready or gone, gathered until things have been
/// quiet for `debounce`.
///
/// A photo is ready when the writer closes it (IN_CLOSE_WRITE) or it is moved in (IN_MOVED_TO); a file
/// that is only created is still being written. Names `GalleryFiles.isIgnored` rejects (hidden files,
/// editor and download leftovers) are ignored. Existing photos are not reported by `start()`.
public final class GalleryWatcher: Sendable {
    public let directory: String
    private let queue: DispatchQueue
    private let debounce: DispatchTimeInterval
    private let onChange: @Sendable (GalleryChange) -> Void
    private let state: Mutex<WatchState>

    /// `onChange` is called on `queue`, which should be serial. `logger` hears about folders that could
    /// not be watched (for example when the inotify watch limit is reached).
    public init(
        directory: String, queue: DispatchQueue, debounce: Duration = .milliseconds(250),
        logger: Logger = Logger(label: "gallery-watcher"),
        onChange: @escaping @Sendable (GalleryChange) -> Void
    ) {
        self.directory = directory
        self.queue = queue
        let (seconds, attoseconds) = debounce.components
        self.debounce = .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        self.onChange = onChange
        self.state = Mutex(WatchState(directory: directory, logger: logger))
    }

    deinit { stop() }

    /// Starts watching; throws when the directory cannot be watched. Calling it again while running
    /// does nothing.
    public func start() throws(SystemError) {
        try state.withLock { state throws(SystemError) in
            guard state.reader == nil else { return }
            let fd = try state.startWatching()
            let reader = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            reader.setEventHandler { [weak self] in self?.readEvents() }
            reader.setCancelHandler { close(fd) }
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.setEventHandler { [weak self] in self?.deliver() }
            timer.schedule(deadline: .distantFuture)
            state.reader = reader
            state.timer = timer
            reader.resume()
            timer.resume()
        }
    }

    /// Photos being written now (modified and not yet closed), relative to the directory; events queued so far
    /// are read first, so a file that a scan about to start will list is counted. A file modified without an open
    /// (truncate(2)) never reports its close, so one unmodified for `writerSilence` seconds no longer counts.
    public func beingWritten(writerSilence: Double = 30) -> Set<String> {
        state.withLock { state in
            guard state.reader != nil else { return [] }
            state.drainEvents()
            let now = MonotonicClock.now()
            return Set(state.writing.filter { now - $0.value < writerSilence }.keys)
        }
    }

    /// Stops watching and drops changes not yet delivered. Called on `queue`, no `onChange` follows.
    public func stop() {
        state.withLock { state in
            state.reader?.cancel()  // its cancel handler closes the inotify descriptor
            state.timer?.cancel()
            state = WatchState(directory: state.directory, logger: state.logger)
        }
    }

    private func readEvents() {
        let debounce = self.debounce
        state.withLock { state in
            guard state.reader != nil else { return }
            state.drainEvents()
            if !state.pending.isEmpty { state.timer?.schedule(deadline: .now() + debounce) }
        }
    }

    private func deliver() {
        let change = state.withLock { state -> GalleryChange? in
            guard state.reader != nil, !state.pending.isEmpty else { return nil }
            defer { state.pending = GalleryChange() }
            return state.pending
        }
        if let change { onChange(change) }
    }
}

/// The watcher's mutable part, only touched under its lock.
private struct WatchState {
    let directory: String
    let logger: Logger
    var fd: Int32 = -1
    var reader: (any DispatchSourceRead)?
    var timer: (any DispatchSourceTimer)?
    var rootWatch: Int32 = -1
    /// Watch descriptor → watched folder relative to `directory`: "" for the gallery itself, a person's, or a
    /// person's negatives (`NAME/.not`).
    var folders: [Int32: String] = [:]
    var pending = GalleryChange()
    /// Files modified and not yet closed, with the time of their last modification: still being written.
    var writing: [String: Double] = [:]

    private static let photoEvents = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_MODIFY)
        | UInt32(IN_ONLYDIR) | UInt32(IN_EXCL_UNLINK)
    /// Person folders also need IN_CREATE to see their `.not` folder made.
    private static let personEvents = photoEvents | UInt32(IN_CREATE)
    /// The root also needs IN_CREATE to see new person folders, and its own deletion or move.
    private static let rootEvents = photoEvents | UInt32(IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF)

    init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// Creates the inotify descriptor and watches the gallery and its person folders.
    mutating func startWatching() throws(SystemError) -> Int32 {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw SystemError("cannot create an inotify instance to watch \(directory)") }
        let root = inotify_add_watch(fd, directory, Self.rootEvents)
        guard root >= 0 else {
            let error = SystemError("cannot watch the gallery directory \(directory)")
            close(fd)
            throw error
        }
        self.fd = fd
        rootWatch = root
        folders = [root: ""]
        watchPersonFolders()
        return fd
    }

    /// Reads everything queued; the descriptor is non-blocking, so this ends at EAGAIN.
    mutating func drainEvents() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // EAGAIN (all read) or a failure: either way nothing more to read now.
            guard let count = try? buffer.withUnsafeMutableBytes({ try FileDescriptor(rawValue: fd).read(into: $0) }),
                  count > 0 else { return }
            let events = buffer.withUnsafeBytes { InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            for event in events { handle(event) }
        }
    }

    private mutating func handle(_ event: InotifyEvent) {
        if event.has(IN_Q_OVERFLOW) {
            pending.rescan = true
            watchPersonFolders()  // folders may have come and gone unseen
            return
        }
        guard let folder = folders[event.watch] else { return }  // a watch already given up
        if event.has(IN_IGNORED) {
            folders[event.watch] = nil
            if event.watch == rootWatch { pending.rescan = true }
            return
        }
        if event.has(IN_DELETE_SELF) || event.has(IN_MOVE_SELF) {
            pending.rescan = true  // only the root asks for these
            return
        }
        let negatives = event.has(IN_ISDIR) && Self.isPersonFolder(folder) && event.name == GalleryFiles.negativesFolder
        guard !event.name.isEmpty, negatives || !GalleryFiles.isIgnored(event.name) else { return }
        let path = folder.isEmpty ? event.name : folder + "/" + event.name

        if event.has(IN_ISDIR) {
            // Other folders inside person folders are not gallery.
            guard event.watch == rootWatch || negatives else { return }
            if event.has(IN_CREATE) || event.has(IN_MOVED_TO) {
                // Photos can land before the watch exists (moved in whole, or copied right after mkdir).
                for folder in watchTree(path) {
                    for (name, isFolder) in entries(of: absolute(folder)) where !isFolder {
                        pending.markReady(folder + "/" + name)
                    }
                }
            } else if event.has(IN_DELETE) || event.has(IN_MOVED_FROM) {
                unwatch(path)
                unwatch(path + "/" + GalleryFiles.negativesFolder)
                pending.markFolderRemoved(path)
                writing = writing.filter { !$0.key.hasPrefix(path + "/") }
            }
        } else if event.has(IN_CLOSE_WRITE) || event.has(IN_MOVED_TO) {
            writing[path] = nil
            pending.markReady(path)
        } else if event.has(IN_DELETE) || event.has(IN_MOVED_FROM) {
            writing[path] = nil
            pending.markRemoved(path)
        } else if event.has(IN_MODIFY) {
            writing[path] = MonotonicClock.now()
        }
    }

    /// (Re)watches exactly the person folders there are now; stale watches could misname paths.
    private mutating func watchPersonFolders() {
        for (watchDescriptor, _) in folders where watchDescriptor != rootWatch {
            inotify_rm_watch(fd, watchDescriptor)
            folders[watchDescriptor] = nil
        }
        for (name, isFolder) in entries(of: directory) where isFolder { watchTree(name) }
    }

    /// A person folder, or `.not` in one: a root folder whose negatives folder is watched too. Returns the
    /// folders now watched.
    @discardableResult
    private mutating func watchTree(_ folder: String) -> [String] {
        guard watch(folder) else { return [] }
        guard Self.isPersonFolder(folder) else { return [folder] }
        let negatives = folder + "/" + GalleryFiles.negativesFolder
        return [folder] + (watch(negatives) ? [negatives] : [])
    }

    private static func isPersonFolder(_ folder: String) -> Bool { !folder.isEmpty && !folder.contains("/") }

    @discardableResult
    private mutating func watch(_ folder: String) -> Bool {
        let events = Self.isPersonFolder(folder) ? Self.personEvents : Self.photoEvents
        let watchDescriptor = inotify_add_watch(fd, absolute(folder), events)
        guard watchDescriptor >= 0 else {
            // Gone again already, or replaced by a file: nothing to watch.
            if errno != ENOENT && errno != ENOTDIR {
                logger.warning("\(SystemError("cannot watch gallery folder \(absolute(folder))"))")
            }
            return false
        }
        folders[watchDescriptor] = folder
        return true
    }

    private mutating func unwatch(_ folder: String) {
        guard let watchDescriptor = folders.first(where: { $0.value == folder })?.key else { return }
        inotify_rm_watch(fd, watchDescriptor)
        folders[watchDescriptor] = nil
    }

    private func absolute(_ relative: String) -> String { directory + "/" + relative }

    /// The not-ignored regular files and folders in `path` (symbolic links followed).
    private func entries(of path: String) -> [(name: String, isFolder: Bool)] {
        guard let stream = opendir(path) else { return [] }
        defer { closedir(stream) }
        var result: [(String, Bool)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !GalleryFiles.isIgnored(name) else { continue }  // also skips "." and ".."
            var info = stat()
            guard stat(path + "/" + name, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: result.append((name, true))
            case S_IFREG: result.append((name, false))
            default: continue
            }
        }
        return result
    }
}

/// One record of what read(2) returns from an inotify descriptor.
private struct InotifyEvent {
    var watch: Int32
    var mask: UInt32
    var name: String

    func has(_ flag: Int32) -> Bool { mask & UInt32(flag) != 0 }

    /// Records are a fixed header (wd, mask, cookie, len) and `len` bytes of NUL-padded name.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [InotifyEvent] {
        let header = MemoryLayout<inotify_event>.size
        var events: [InotifyEvent] = []
        var offset = 0
        while offset + header <= bytes.count {
            let watch = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let nameLength = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameBytes = bytes[(offset + header)..<min(offset + header + nameLength, bytes.count)]
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            events.append(InotifyEvent(watch: watch, mask: mask, name: name))
            offset += header + nameLength
        }
        return events
    }
}
