/// A track's id: counts up from 1 and is never reused while the tracker lives.
public typealias TrackID = Int

/// One detected face as seen by the tracker in the current frame.
public struct TrackedFace: Sendable, Hashable {
    public let id: TrackID
    public let face: DetectedFace
    /// True on the track's first frame.
    public let isNew: Bool
    /// True when the tracker withdrew the track's decided name on this frame because the face could
    /// belong to another track as well (people crossing): start its votes afresh.
    public let reopened: Bool
    /// Monotonic time of the track's first frame.
    public let firstSeen: Double
    /// Monotonic time of this frame.
    public let time: Double
    /// Frames in which the track was detected, this one included.
    public let framesSeen: Int

    public var age: Double { time - firstSeen }
}
