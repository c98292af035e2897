/// Picks enrolment photos from a stream of frames of one person (`enrol --from-camera`): each frame either gives
/// the person a hint (come closer, face the camera, hold still) or a shot, the best face of a short spell,
/// kept when it differs enough from the shots kept so far.
public struct EnrolmentShots {
    public enum Look: Equatable, Sendable {
        case noFace, severalFaces, closer, faceTheCamera, holdStill
        /// A good face, waiting for the best of its spell.
        case good
        /// A shot was kept: how many there are now.
        case kept(Int)

        public var hint: String {
            switch self {
            case .noFace: "no face: stand in front of the camera"
            case .severalFaces: "several faces: only the person to enrol, please"
            case .closer: "come closer"
            case .faceTheCamera: "face the camera"
            case .holdStill: "hold still"
            case .good: "good, hold it"
            case .kept(let count): "got \(count)"
            }
        }
    }

    public struct Shot: Sendable {
        public let image: Image
        public let face: DetectedFace
        public let embedding: [Float]
        public let quality: FaceQuality
    }

    /// Smallest face side accepted (the gallery's `min_face_size`, so the crop is not refused).
    public let minFaceSize: Float
    /// Two kept shots are at least this far apart (L2): the same pose twice adds nothing.
    public static let distinctDistance: Float = 0.15
    /// Below these, the person is told to turn or to keep still.
    static let minFrontal: Float = 0.6
    static let minSharpness: Float = 0.45
    /// The best good face of a spell this long (seconds of frame time) becomes a shot.
    static let spell = 0.6

    public private(set) var kept: [Shot] = []
    private var candidate: (shot: Shot, since: Double)?

    public init(minFaceSize: Int) { self.minFaceSize = Float(minFaceSize) }

    /// Looks at one frame's faces (detections and embeddings) taken at `time` (seconds).
    public mutating func look(at image: Image, faces: [FaceAnalyzer.Face], time: Double) throws -> Look {
        // A spell that has ended gives its shot whatever this frame shows.
        let before = kept.count
        if let current = candidate, time - current.since >= Self.spell { finish() }
        let look = try judge(image, faces: faces, time: time)
        return kept.count > before ? .kept(kept.count) : look
    }

    /// Keeps the shot of the spell going on, if any (the frames ended).
    public mutating func finish() {
        if let current = candidate, isDistinct(current.shot) { kept.append(current.shot) }
        candidate = nil
    }

    private mutating func judge(_ image: Image, faces: [FaceAnalyzer.Face], time: Double) throws -> Look {
        guard let main = faces.max(by: { $0.detection.box.area < $1.detection.box.area }) else { return .noFace }
        let rivals = faces.filter { $0.detection.box.area >= main.detection.box.area * PhotoEnroller.rivalAreaRatio }
        guard rivals.count == 1 else { return .severalFaces }
        guard max(main.detection.box.width, main.detection.box.height) >= minFaceSize else { return .closer }
        let quality = try FaceQuality(of: main.detection, in: image)
        guard quality.frontalness >= Self.minFrontal else { return .faceTheCamera }
        guard quality.sharpness >= Self.minSharpness else { return .holdStill }
        let shot = Shot(image: image, face: main.detection, embedding: main.embedding, quality: quality)
        guard isDistinct(shot) else { return .good }
        if let current = candidate {
            if shot.quality.score > current.shot.quality.score { candidate = (shot, current.since) }
        } else {
            candidate = (shot, time)
        }
        return .good
    }

    private func isDistinct(_ shot: Shot) -> Bool {
        kept.allSatisfy { l2Distance($0.embedding, shot.embedding) >= Self.distinctDistance }
    }
}
