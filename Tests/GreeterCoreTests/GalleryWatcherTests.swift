import Dispatch
import Glibc
import GreeterCore
import Synchronization
import Testing

@Suite struct GalleryWatcherTests {
    /// A gallery directory with a watcher on it that records every change it delivers.
    final class WatchedGallery: Sendable {
        let directory: String
        /// Beside the gallery on the same file system, for files to be moved in and out.
        let outside: String
        let queue = DispatchQueue(label: "gallery-watcher-test")
        let watcher: GalleryWatcher
        private let recorder = Recorder()

        final class Recorder: Sendable {
            let changes = Mutex<[GalleryChange]>([])
        }

        init() throws {
            outside = SystemTestSupport.scratchDirectory("gallery")
            directory = outside + "/gallery"
            try #require(mkdir(directory, 0o755) == 0)
            let recorder = self.recorder
            let queue = self.queue
            watcher = GalleryWatcher(directory: directory, queue: queue) { change in
                dispatchPrecondition(condition: .onQueue(queue))
                recorder.changes.withLock { $0.append(change) }
            }
            try watcher.start()
        }

        deinit {
            watcher.stop()
            SystemTestSupport.removeTree(outside)
        }

        var delivered: [GalleryChange] { recorder.changes.withLock { $0 } }

        /// Every path's latest state over all deliveries (relative, as delivered): true ready, false removed.
        var latest: [String: Bool] {
            var state: [String: Bool] = [:]
            for change in delivered {
                for path in change.removed { state[path] = false }
                for path in change.ready { state[path] = true }
            }
            return state
        }

        var everReady: Set<String> { delivered.reduce(into: []) { $0.formUnion($1.ready) } }

        func path(_ name: String) -> String { directory + "/" + name }

        func waitFor(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: ([String: Bool]) -> Bool) async throws {
            try await SystemTestSupport.waitUntil(what, sourceLocation: sourceLocation) { condition(self.latest) }
        }

        /// Writes a complete photo and waits until it is reported, so earlier events are known to be in.
        func landMarker(_ name: String) async throws {
            SystemTestSupport.writeFile(path(name), "marker")
            try await waitFor("marker \(name)") { $0[name] == true }
        }
    }

    @Test func aPhotoIsReadyOnlyOnceItsWriterClosesIt() async throws {
        let gallery = try WatchedGallery()
        let photo = "alice.jpg"
        let fd = open(gallery.path(photo), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        try #require(fd >= 0)
        let chunk = [UInt8](repeating: 0xFF, count: 4096)
        for round in 1...3 {
            #expect(write(fd, chunk, chunk.count) == chunk.count)
            try await gallery.landMarker("marker\(round).jpg")
            #expect(!gallery.everReady.contains(photo), "reported while still open, after chunk \(round)")
        }
        close(fd)
        try await gallery.waitFor("the closed photo") { $0[photo] == true }
    }

    @Test func movedInDeletedAndRenamedPhotos() async throws {
        let gallery = try WatchedGallery()
        SystemTestSupport.writeFile(gallery.outside + "/bob.jpg", "jpeg")
        try #require(rename(gallery.outside + "/bob.jpg", gallery.path("bob.jpg")) == 0)
        try await gallery.waitFor("the moved-in photo") { $0["bob.jpg"] == true }

        try #require(rename(gallery.path("bob.jpg"), gallery.path("robert.jpg")) == 0)
        try await gallery.waitFor("the rename") {
            $0["bob.jpg"] == false && $0["robert.jpg"] == true
        }

        try #require(unlink(gallery.path("robert.jpg")) == 0)
        try await gallery.waitFor("the deletion") { $0["robert.jpg"] == false }

        SystemTestSupport.writeFile(gallery.path("carol.jpg"), "jpeg")
        try await gallery.waitFor("carol") { $0["carol.jpg"] == true }
        try #require(rename(gallery.path("carol.jpg"), gallery.outside + "/carol.jpg") == 0)
        try await gallery.waitFor("the move out") { $0["carol.jpg"] == false }
    }

    @Test func personFoldersAreWatchedFromWhenTheyAppear() async throws {
        let gallery = try WatchedGallery()
        // Made in the gallery, then filled.
        try #require(mkdir(gallery.path("alice"), 0o755) == 0)
        SystemTestSupport.writeFile(gallery.path("alice/1.jpg"), "jpeg")
        try await gallery.waitFor("a photo in a new folder") { $0["alice/1.jpg"] == true }

        // Filled elsewhere, then moved in whole: its photos were never written inside the gallery.
        try #require(mkdir(gallery.outside + "/bob", 0o755) == 0)
        SystemTestSupport.writeFile(gallery.outside + "/bob/1.jpg", "jpeg")
        SystemTestSupport.writeFile(gallery.outside + "/bob/2.jpg", "jpeg")
        SystemTestSupport.writeFile(gallery.outside + "/bob/.DS_Store", "junk")
        try #require(rename(gallery.outside + "/bob", gallery.path("bob")) == 0)
        try await gallery.waitFor("a moved-in folder's photos") {
            $0["bob/1.jpg"] == true && $0["bob/2.jpg"] == true
        }
        SystemTestSupport.writeFile(gallery.path("bob/3.jpg"), "jpeg")
        try await gallery.waitFor("a photo added to the moved-in folder") { $0["bob/3.jpg"] == true }

        // Renamed: the old name is gone as a whole and its photos reappear under the new one.
        try #require(rename(gallery.path("bob"), gallery.path("robert")) == 0)
        try await gallery.waitFor("the folder rename") { latest in
            latest["bob"] == false
                && ["1.jpg", "2.jpg", "3.jpg"].allSatisfy { latest["robert/" + $0] == true }
        }
        SystemTestSupport.writeFile(gallery.path("robert/4.jpg"), "jpeg")
        try await gallery.waitFor("a photo in the renamed folder") { $0["robert/4.jpg"] == true }
        #expect(gallery.latest["bob/4.jpg"] == nil)

        // Deeper folders are not part of the gallery.
        try #require(mkdir(gallery.path("robert/old"), 0o755) == 0)
        SystemTestSupport.writeFile(gallery.path("robert/old/1.jpg"), "jpeg")
        try await gallery.landMarker("robert/5.jpg")
        #expect(!gallery.everReady.contains("robert/old/1.jpg"))

        // Deleted whole, or moved out whole: reported as the folder.
        SystemTestSupport.removeTree(gallery.path("robert"))
        try await gallery.waitFor("the folder deletion") { $0["robert"] == false }
        try #require(rename(gallery.path("alice"), gallery.outside + "/alice") == 0)
        try await gallery.waitFor("the folder move out") { $0["alice"] == false }

        // A moved-out folder is no longer watched: writing into it reports nothing.
        SystemTestSupport.writeFile(gallery.outside + "/alice/2.jpg", "jpeg")
        try await gallery.landMarker("zed.jpg")
        #expect(!gallery.everReady.contains("alice/2.jpg"))
    }

    @Test func hiddenAndTemporaryFilesAreIgnored() async throws {
        let gallery = try WatchedGallery()
        let ignored = [".hidden.jpg", "alice.jpg~", "alice.jpg.tmp", "alice.jpg.part", "alice.jpg.swp", "x.TMP", "README.txt"]
        for name in ignored { SystemTestSupport.writeFile(gallery.path(name), "jpeg") }
        try #require(mkdir(gallery.path(".trash"), 0o755) == 0)
        SystemTestSupport.writeFile(gallery.path(".trash/1.jpg"), "jpeg")
        // A downloader's way: a hidden partial file renamed into place.
        SystemTestSupport.writeFile(gallery.path(".carol.jpg.XXXX"), "jpeg")
        try #require(rename(gallery.path(".carol.jpg.XXXX"), gallery.path("carol.jpg")) == 0)
        try await gallery.landMarker("marker.jpg")
        #expect(gallery.everReady == ["carol.jpg", "marker.jpg"])
    }

    @Test func aBurstIsGatheredIntoFewerDeliveries() async throws {
        let gallery = try WatchedGallery()
        let names = (0..<20).map { "person\($0).jpg" }
        for name in names { SystemTestSupport.writeFile(gallery.path(name), "jpeg") }
        try await gallery.waitFor("all of the burst") { latest in names.allSatisfy { latest[$0] == true } }
        #expect(gallery.delivered.count < names.count)
        #expect(gallery.delivered.allSatisfy { !$0.isEmpty && !$0.rescan })
    }

    @Test func thePhotosLatestEventWins() async throws {
        let gallery = try WatchedGallery()
        let photo = "short-lived.jpg"
        SystemTestSupport.writeFile(gallery.path(photo), "jpeg")
        try #require(unlink(gallery.path(photo)) == 0)
        try await gallery.landMarker("marker.jpg")
        #expect(gallery.latest[photo] == false)
        #expect(gallery.delivered.allSatisfy { $0.ready.isDisjoint(with: $0.removed) })
    }

    @Test func aLostEventQueueAsksForARescan() async throws {
        let gallery = try WatchedGallery()
        // Hold the watcher's queue so the kernel queue (max_queued_events) overflows meanwhile.
        let release = DispatchSemaphore(value: 0)
        gallery.queue.async { release.wait() }
        let limit = Int(SystemTestSupport.readFile("/proc/sys/fs/inotify/max_queued_events")?
            .split(separator: "\n").first ?? "") ?? 16384
        // Alternating names: the kernel merges an event identical to the one queued just before.
        for index in 0...limit {
            let fd = open(gallery.path(index % 2 == 0 ? "a.jpg" : "b.jpg"), O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            close(fd)
        }
        release.signal()
        try await SystemTestSupport.waitUntil("a rescan") { gallery.delivered.contains { $0.rescan } }

        // Still watching afterwards, folders included.
        try #require(mkdir(gallery.path("dana"), 0o755) == 0)
        SystemTestSupport.writeFile(gallery.path("dana/1.jpg"), "jpeg")
        try await gallery.waitFor("a photo after the overflow") { $0["dana/1.jpg"] == true }
    }

    @Test func losingTheGalleryDirectoryAsksForARescan() async throws {
        let gallery = try WatchedGallery()
        try #require(rmdir(gallery.directory) == 0)
        try await SystemTestSupport.waitUntil("a rescan") { gallery.delivered.contains { $0.rescan } }
    }

    @Test func aMissingDirectoryCannotBeWatched() throws {
        let watcher = GalleryWatcher(directory: "/nonexistent-door-greeter/gallery", queue: .main) { _ in }
        let error = try #require(throws: SystemError.self) { try watcher.start() }
        #expect(error.description == "cannot watch the gallery directory /nonexistent-door-greeter/gallery: No such file or directory")
    }

    @Test func stoppingClosesTheInotifyDescriptorAndStartingAgainWorks() async throws {
        let gallery = try WatchedGallery()
        var info = stat()
        try #require(stat(gallery.directory, &info) == 0)
        // /proc/self/fdinfo names the inode each inotify watch is on, in hex.
        let watchLine = "inotify wd:1 ino:\(String(info.st_ino, radix: 16)) "
        func descriptorsWatchingTheGallery() -> Int {
            SystemTestSupport.listDirectory("/proc/self/fdinfo").count {
                SystemTestSupport.readFile("/proc/self/fdinfo/" + $0)?.contains(watchLine) == true
            }
        }
        #expect(descriptorsWatchingTheGallery() == 1)
        gallery.watcher.stop()
        try await SystemTestSupport.waitUntil("the descriptor to close") { descriptorsWatchingTheGallery() == 0 }
        try gallery.watcher.start()
        #expect(descriptorsWatchingTheGallery() == 1)
        try await gallery.landMarker("after-restart.jpg")
    }
}
