/// Follows faces from frame to frame by box overlap, and says when a track's face is worth embedding.
///
/// Greedy by IoU: with the few faces at a door, the best-overlap-first assignment equals the optimal one
/// in all but contrived cases, and it is cheap. `update` is only called on frames where detection ran:
/// the motion gate skips static frames, so a track ends by time since it was last seen, not by frame count.
public struct Tracker: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Least IoU between a track's last box and a face to continue the track.
        public var iou: Float
        /// A track unseen for longer than this (seconds) has ended.
        public var lostAfter: Double
        /// An undecided track is embedded again after this many seconds.
        public var reembedInterval: Double
        /// ... or sooner when its box centre moved more than this fraction of the box size since the last embedding,
        public var moveFraction: Float
        /// ... or its area grew by this factor (a closer face gives a better embedding).
        public var growFactor: Float

        public init(iou: Float = 0.3, lostAfter: Double = 1.0, reembedInterval: Double = 1.0,
                    moveFraction: Float = 0.5, growFactor: Float = 1.5) {
            precondition(iou > 0 && iou <= 1, "Tracker.Settings: iou \(iou) must be in (0, 1]")
            precondition(lostAfter >= 0, "Tracker.Settings: lostAfter \(lostAfter) must be >= 0")
            precondition(reembedInterval >= 0, "Tracker.Settings: reembedInterval \(reembedInterval) must be >= 0")
            precondition(moveFraction > 0 && growFactor > 1, "Tracker.Settings: moveFraction \(moveFraction) must be > 0 and growFactor \(growFactor) > 1")
            self.iou = iou; self.lostAfter = lostAfter; self.reembedInterval = reembedInterval
            self.moveFraction = moveFraction; self.growFactor = growFactor
        }
    }

    private struct Track {
        let id: TrackID
        let firstSeen: Double
        var face: DetectedFace
        var lastSeen: Double
        var framesSeen: Int
        var lastEmbedding: (time: Double, box: Rect)?
        var decided = false
    }

    /// Changing settings (SIGHUP) keeps the live tracks.
    public var settings: Settings
    private var tracks: [TrackID: Track] = [:]
    private var nextID: TrackID = 1

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Ids of tracks that have not ended yet, ascending.
    public var trackIDs: [TrackID] { tracks.keys.sorted() }

    /// The last box of each track that has not ended yet, by ascending id: where the faces are between detections.
    public var boxes: [Rect] { trackIDs.compactMap { tracks[$0]?.face.box } }

    /// Associates this frame's faces with live tracks; faces that match none start new tracks.
    /// Returns one entry per face, in the order of `faces`.
    public mutating func update(faces: [DetectedFace], time: Double) -> [TrackedFace] {
        let live = tracks.values.filter { time - $0.lastSeen <= settings.lostAfter }.sorted { $0.id < $1.id }
        var pairs: [(track: TrackID, face: Int, iou: Float)] = []
        for track in live {
            for (index, face) in faces.enumerated() {
                let overlap = track.face.box.iou(face.box)
                if overlap >= settings.iou { pairs.append((track.id, index, overlap)) }
            }
        }
        // A face or track with more than one candidate could be swapped when people cross.
        let contestedFaces = Set(Dictionary(grouping: pairs, by: \.face).filter { $0.value.count > 1 }.keys)
        let contestedTracks = Set(Dictionary(grouping: pairs, by: \.track).filter { $0.value.count > 1 }.keys)
        pairs.sort { ($0.iou, $1.track, $1.face) > ($1.iou, $0.track, $0.face) }

        var trackOfFace: [Int: TrackID] = [:]
        var takenTracks: Set<TrackID> = []
        for pair in pairs where trackOfFace[pair.face] == nil && !takenTracks.contains(pair.track) {
            trackOfFace[pair.face] = pair.track
            takenTracks.insert(pair.track)
        }

        return faces.enumerated().map { index, face in
            guard let id = trackOfFace[index], var track = tracks[id] else {
                let id = nextID
                nextID += 1
                tracks[id] = Track(id: id, firstSeen: time, face: face, lastSeen: time, framesSeen: 1)
                return TrackedFace(id: id, face: face, isNew: true, reopened: false, firstSeen: time, time: time, framesSeen: 1)
            }
            let reopened = track.decided && (contestedFaces.contains(index) || contestedTracks.contains(id))
            track.face = face
            track.lastSeen = time
            track.framesSeen += 1
            if reopened { track.decided = false; track.lastEmbedding = nil }
            tracks[id] = track
            return TrackedFace(id: id, face: face, isNew: false, reopened: reopened, firstSeen: track.firstSeen,
                               time: time, framesSeen: track.framesSeen)
        }
    }

    /// Removes tracks unseen for longer than `lostAfter` and returns their ids, ascending, so per-track state
    /// elsewhere (votes, visits) can be dropped. Call it on a timer too: no detection runs while nothing moves.
    public mutating func expire(time: Double) -> [TrackID] {
        let ended = tracks.values.filter { time - $0.lastSeen > settings.lostAfter }.map(\.id).sorted()
        for id in ended { tracks[id] = nil }
        return ended
    }

    /// Whether embedding the track's current face would tell us something new.
    public func shouldEmbed(_ id: TrackID, time: Double) -> Bool {
        guard let track = tracks[id], !track.decided else { return false }
        guard let last = track.lastEmbedding else { return true }
        if time - last.time >= settings.reembedInterval { return true }
        let box = track.face.box
        let dx = box.center.x - last.box.center.x, dy = box.center.y - last.box.center.y
        let moved = (dx * dx + dy * dy).squareRoot() > settings.moveFraction * max(last.box.width, last.box.height)
        let grew = box.area > last.box.area * settings.growFactor
        return moved || grew
    }

    /// Whether the track still exists and has no name yet: only then is an embedding of it still of use.
    public func isOpen(_ id: TrackID) -> Bool {
        tracks[id].map { !$0.decided } ?? false
    }

    /// Records that the track's current face was embedded at `time`.
    public mutating func markEmbedded(_ id: TrackID, time: Double) {
        guard let box = tracks[id]?.face.box else { return }
        tracks[id]?.lastEmbedding = (time, box)
    }

    /// Records that the track's votes decided a name: it is not embedded again unless it gets reopened.
    /// (An "unknown" decision should not be marked: the person may still turn towards the camera.)
    public mutating func markDecided(_ id: TrackID) {
        tracks[id]?.decided = true
    }
}
