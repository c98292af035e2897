import Dispatch
import Foundation
import Logging
import Synchronization

/// The daemon's visit log: each decided track becomes a `Visit` in `STATE/visits` when it ends, with its best
/// look (by `FaceQuality`) as a face crop and a small context frame. All image work and disk I/O happen on its
/// own queue; a folder it cannot write is one warning, and greeting goes on.
public final class VisitLog: DoorEventListener, Sendable {
    public struct Settings: Sendable, Equatable {
        public var enabled: Bool
        public var keepDays: Double
        public var maxCount: Int

        public init(_ config: Config.Visits) {
            enabled = config.enabled; keepDays = config.keepDays; maxCount = config.maxCount
        }
    }

    static let frameWidth = 320
    /// Ended visits remembered for outcomes that come after the track's end (a group greeting said later).
    static let recentlyEnded = 16

    private struct Open {
        typealias Best = (quality: Float, face: Image, frame: Image)
        var visit: Visit
        var decided = false
        var best: Best?
    }

    private let queue = DispatchQueue(label: "door-greeter.visits")
    private let store: VisitStore
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// Track → visit id (read by the pipeline's speech queue for the journal line), and the ids earlier runs left:
    /// within a run track numbers never repeat, so only those can collide (a restart within the same second).
    private let names: Mutex<(ofTrack: [TrackID: String], taken: Set<String>)>
    // Touched only on `queue`.
    private nonisolated(unsafe) var settings: Settings
    private nonisolated(unsafe) var open: [TrackID: Open] = [:]
    private nonisolated(unsafe) var ended: [(track: TrackID, visit: Visit)] = []
    private nonisolated(unsafe) var failing = false

    public init(stateDirectory: String, settings: Settings, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        store = VisitStore(stateDirectory: stateDirectory)
        self.settings = settings
        self.logger = logger
        self.now = now
        names = Mutex(([:], Set((try? store.ids()) ?? [])))
        queue.async { [self] in tidy() }
    }

    /// A reload: the new bounds are applied at once; `enabled = false` deletes the images kept so far.
    public func apply(_ new: Settings) {
        queue.async { [self] in
            guard new != settings else { return }
            settings = new
            if !new.enabled { open.keys.forEach { open[$0]?.best = nil } }
            tidy()
        }
    }

    /// Waits until every visit handed over has been written (at shutdown, after the pipeline finished).
    public func finish() {
        queue.sync {}
    }

    // MARK: DoorEventListener

    public func visitID(of track: TrackID) -> String? {
        names.withLock { $0.ofTrack[track] }
    }

    public func looked(_ look: FaceLook) {
        let id = names.withLock { names in
            if let id = names.ofTrack[look.trackID] { return id }
            let base = VisitStore.baseID(start: look.time, track: look.trackID)
            var id = base
            var suffix = 2
            while names.taken.contains(id) { (id, suffix) = ("\(base)-\(suffix)", suffix + 1) }
            names.ofTrack[look.trackID] = id
            return id
        }
        queue.async { [self] in
            var entry = open[look.trackID] ?? Open(visit: Visit(id: id, start: look.time, end: look.time, outcome: .unknown,
                                                                reason: nil, people: [], face: nil, frame: nil))
            entry.visit.end = look.time
            if settings.enabled { entry.best = better(entry.best, look) }
            open[look.trackID] = entry
        }
    }

    public func decided(_ face: DecidedFace) {
        queue.async { [self] in
            guard var entry = open[face.trackID] else { return }
            entry.decided = true
            let nearest = [face.match.best, face.match.second].compactMap { $0 }
                .map { Visit.Person(name: $0.name, distance: $0.distance) }
            switch face.decision.identity {
            case .person(let name):
                // The distance the greeting's journal line gives: the mean of the agreeing looks.
                entry.visit.people = [Visit.Person(name: name, distance: face.decision.meanDistance)]
                    + nearest.filter { $0.name != name }
                // Until the policy says what it did (a group greeting waits for its window).
                (entry.visit.outcome, entry.visit.reason) = (.known, "not greeted yet")
            case .unknown:
                let ambiguous = face.match.verdict == .ambiguous
                entry.visit.people = nearest
                entry.visit.outcome = ambiguous ? .ambiguous : .unknown
                entry.visit.reason = ambiguous ? "too close to more than one person to tell" : nil
            }
            open[face.trackID] = entry
        }
    }

    public func policy(_ event: GreetingEvent) {
        queue.async { [self] in
            switch event {
            case .speak(let greeting):
                for person in greeting.people where person.identity != .unknown {
                    settle(person.trackID, .greeted, reason: nil)
                }
            case .suppressedByQuietHours(let greeting):
                for person in greeting.people where person.identity != .unknown {
                    settle(person.trackID, .known, reason: "quiet hours")
                }
            case .skipped(let track, .person, let reason):
                switch reason {
                case .cooldown(let last):
                    let when = Date(timeIntervalSince1970: last).formatted(date: .omitted, time: .shortened)
                    settle(track, .known, reason: "cooldown (greeted at \(when))")
                case .alreadyInGroup:
                    settle(track, .known, reason: "greeted with another face of the same person")
                case .alreadyGreetedThisVisit, .unknownNotGreeted:
                    break
                }
            case .skipped, .notSaved:
                break
            }
        }
    }

    public func ended(_ track: TrackID, at time: Date) {
        queue.async { [self] in
            guard let entry = open.removeValue(forKey: track), entry.decided else {
                return names.withLock { _ = $0.ofTrack.removeValue(forKey: track) }
            }
            keep(entry)
            let visit = entry.visit
            if visit.outcome == .unknown || visit.outcome == .ambiguous {
                // At the end, not at the decision: a face first taken for a stranger is often named a look later.
                let nearest = visit.people.map { "\($0.name) d=\($0.distance.formatted)" }.joined(separator: ", ")
                logger.notice("\(visit.outcome.rawValue) visitor", metadata: [
                    "visit": "\(visit.id)", "nearest": "\(nearest.isEmpty ? "-" : nearest)",
                ])
            }
            ended.append((track, visit))
            // Its id stays known a while: the journal line of a group greeting said after the end names it.
            guard ended.count > Self.recentlyEnded else { return }
            let old = ended.removeFirst().track
            names.withLock { _ = $0.ofTrack.removeValue(forKey: old) }
        }
    }

    // MARK: On the queue

    /// Records the policy's outcome for a track, on its open visit or, when the track already ended, on the
    /// visit written.
    private func settle(_ track: TrackID, _ outcome: Visit.Outcome, reason: String?) {
        if open[track] != nil {
            (open[track]!.visit.outcome, open[track]!.visit.reason) = (outcome, reason)
        } else if let index = ended.lastIndex(where: { $0.track == track }) {
            ended[index].visit.outcome = outcome
            ended[index].visit.reason = reason
            attempt(ended[index].visit.id) { _ = try store.update(ended[index].visit) }
        }
    }

    /// The better of the best look so far and this one, with the images cut from the new one if it wins.
    private func better(_ best: Open.Best?, _ look: FaceLook) -> Open.Best? {
        do {
            let quality = try FaceQuality(of: look.face, in: look.frame).score
            if let best, best.quality >= quality { return best }
            let face = try look.frame.faceCrop(around: look.face.box)
            return (quality, face, try Self.context(look.frame))
        } catch {
            logger.warning("visits: cannot cut out the face of visit \(visitID(of: look.trackID) ?? "?"): \(error)")
            return best
        }
    }

    private func keep(_ entry: Open) {
        attempt(entry.visit.id) {
            let best = settings.enabled ? entry.best : nil
            try store.write(entry.visit, face: try best.map { try ImageFile.jpeg($0.face) },
                            frame: try best.map { try ImageFile.jpeg($0.frame, quality: 75) })
            try store.prune(keepDays: settings.keepDays, maxCount: settings.maxCount, now: now())
        }
    }

    /// At start and on reload: the bounds, and no images when they are not wanted.
    private func tidy() {
        attempt(nil) {
            if !settings.enabled { try store.dropImages() }
            try store.prune(keepDays: settings.keepDays, maxCount: settings.maxCount, now: now())
        }
    }

    /// Runs `work`; the first failure is one warning, the next ones are silent until writing works again.
    private func attempt(_ id: String?, _ work: () throws -> Void) {
        do {
            try work()
            if failing { logger.notice("visits: \(store.directory) can be written again") }
            failing = false
        } catch {
            if !failing {
                logger.warning("visits: cannot keep \(id.map { "the visit \($0)" } ?? "the visit log") in \(store.directory): \(error); greeting goes on, visits are not kept until this is fixed (said once)")
            }
            failing = true
        }
    }

    static func context(_ frame: Image) throws -> Image {
        let width = min(frame.width, frameWidth)
        return try frame.resized(width: width, height: max(1, frame.height * width / frame.width))
    }
}
