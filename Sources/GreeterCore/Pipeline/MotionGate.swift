/// Decides whether a frame is worth running the face detector on. A frame is compared, as a 64×48 grey
/// thumbnail, with the last frame that was detected on. Detection runs where its answer decides something:
/// on every frame while a face in view is still undecided (each look is a vote); when a track asks for a look
/// (an unknown face's recheck is due); when the scene moved where no face in view explains it (something new
/// may have entered); every `trackedInterval` seconds while only the faces in view, and the bodies below them,
/// move (so their tracks keep up with them); and every `idleInterval` seconds on a still scene, so a face that
/// stays still after arriving is still seen and its track kept alive — with nobody in view, `emptySceneFactor` times
/// less often. In between, the tracker carries the boxes.
public struct MotionGate: Sendable {
    public struct Settings: Sendable, Equatable {
        public var enabled: Bool
        /// Mean absolute grey difference (0...255) that counts as motion.
        public var threshold: Float
        public var idleInterval: Double
        /// How often faces in view that are already decided are detected again while they move.
        public var trackedInterval: Double

        public init(enabled: Bool = true, threshold: Float = 6, idleInterval: Double = 1, trackedInterval: Double = 0.25) {
            self.enabled = enabled; self.threshold = threshold; self.idleInterval = idleInterval
            self.trackedInterval = trackedInterval
        }
    }

    /// What the tracks ask of the next frame.
    public struct Need: Sendable, Equatable {
        /// A face in view is still undecided: every frame is a look that counts.
        public var everyFrame = false
        /// A track wants a look now (an unknown face is due to be looked at again).
        public var due = false
        /// The boxes of the faces in view: motion in them and below them (the body) is theirs.
        public var faces: [Rect] = []

        public init(everyFrame: Bool = false, due: Bool = false, faces: [Rect] = []) {
            self.everyFrame = everyFrame; self.due = due; self.faces = faces
        }
    }

    public static let thumbnailSize = (width: 64, height: 48)
    /// With nobody in view there is no track to keep alive, and whoever arrives moves (the comparison is with the
    /// last frame detected on, so even a slow approach adds up to motion): the idle detection is only a safety net
    /// then, run this many times less often. On a still scene it was a sixth of the daemon's CPU.
    public static let emptySceneFactor = 5.0

    public var settings: Settings
    private var reference: [UInt8]?
    private var lastDetection = -Double.infinity

    public init(settings: Settings) { self.settings = settings }

    /// True when the detector should run on `frame`; the frame then becomes the new reference.
    public mutating func shouldDetect(_ frame: Frame, need: Need = Need()) throws -> Bool {
        guard settings.enabled else { return true }
        let thumbnail = try frame.image.grayThumbnail(width: Self.thumbnailSize.width, height: Self.thumbnailSize.height)
        let elapsed = frame.time - lastDetection
        let idle = settings.idleInterval * (need.faces.isEmpty ? Self.emptySceneFactor : 1)
        let worth: Bool
        if let reference, !need.everyFrame, !need.due, elapsed < idle {
            let explained = Self.explainedMask(need.faces, imageWidth: frame.image.width, imageHeight: frame.image.height)
            let motion = Self.meanDifference(reference, thumbnail, split: explained)
            worth = motion.outside >= settings.threshold
                || (motion.inside >= settings.threshold && elapsed >= settings.trackedInterval)
        } else {
            worth = true
        }
        guard worth else { return false }
        reference = thumbnail
        lastDetection = frame.time
        return true
    }

    /// Thumbnail pixels a face in view accounts for: its box widened by half its width on each side and half its
    /// height above, down to the bottom of the frame, where the person's body is.
    static func explainedMask(_ faces: [Rect], imageWidth: Int, imageHeight: Int) -> [Bool] {
        let (w, h) = thumbnailSize
        var mask = [Bool](repeating: false, count: w * h)
        guard imageWidth > 0, imageHeight > 0 else { return mask }
        let sx = Float(w) / Float(imageWidth), sy = Float(h) / Float(imageHeight)
        for face in faces {
            let x0 = max(0, Int(((face.x - face.width / 2) * sx).rounded(.down)))
            let x1 = min(w, Int(((face.x + face.width * 1.5) * sx).rounded(.up)))
            let y0 = max(0, Int(((face.y - face.height / 2) * sy).rounded(.down)))
            guard x0 < x1, y0 < h else { continue }
            for y in y0..<h { for x in x0..<x1 { mask[y * w + x] = true } }
        }
        return mask
    }

    /// Mean absolute difference over the pixels outside `split` and over those inside it (0 where there are none).
    static func meanDifference(_ a: [UInt8], _ b: [UInt8], split: [Bool]) -> (outside: Float, inside: Float) {
        var sums = (outside: 0, inside: 0), counts = (outside: 0, inside: 0)
        for i in a.indices {
            let d = abs(Int(a[i]) - Int(b[i]))
            if split[i] { sums.inside += d; counts.inside += 1 } else { sums.outside += d; counts.outside += 1 }
        }
        return (Float(sums.outside) / Float(max(counts.outside, 1)), Float(sums.inside) / Float(max(counts.inside, 1)))
    }
}
