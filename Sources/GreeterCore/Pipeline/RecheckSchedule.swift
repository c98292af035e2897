/// When a face decided "unknown" is looked at again. A stranger who stays at the door was embedded every
/// `base` seconds for as long as they stayed, the costliest thing the daemon did with a face in view. For the
/// first `patience` seconds it still is (an arriving visitor decided unknown on a turned or badly lit face is
/// recognised a moment later: on the arrival clips, within about a second); after that each look far from
/// everyone doubles the wait, up to `longest`. A look near someone brings it back to `base` (the visitor may be
/// enrolled after all), and a face much larger or more frontal than at its last look (a better picture of it) is
/// looked at at once.
struct RecheckSchedule: Sendable, Equatable {
    /// The longest wait between two looks at a face that stays far from everyone (unless `base` is longer).
    static let longest = 2.0
    /// How long after the "unknown" decision the looks stay `base` apart whatever they find.
    static let patience = 2.0
    /// A look beyond the threshold by more than this fraction of it is far from everyone.
    static let farMargin: Float = 0.1
    /// Frontalness (0...1, `FaceQuality`) gained since the last look that makes a face worth a look at once.
    static let frontalGain: Float = 0.25

    /// When the face was decided unknown.
    let since: Double
    /// When the face was last looked at.
    private(set) var last: Double
    /// How long after `last` the next look is due.
    private(set) var interval: Double

    init(at time: Double, base: Double) {
        since = time
        last = time
        interval = base
    }

    /// Whether the face as detected now is due for a look: its wait is over, or it has become a much better
    /// picture than `previous` (the face at the last look; a larger area by `growFactor`, or more frontal).
    func isDue(_ face: DetectedFace, previous: DetectedFace?, at time: Double, base: Double, growFactor: Float) -> Bool {
        let elapsed = time - last
        if elapsed >= interval { return true }
        guard elapsed >= base, let previous else { return false }
        return face.box.area >= previous.box.area * growFactor
            || FaceQuality.frontalness(face.landmarks) >= FaceQuality.frontalness(previous.landmarks) + Self.frontalGain
    }

    /// Whether the wait is over, whatever the face looks like now (the detector is asked to run for it).
    func isDue(at time: Double) -> Bool { time - last >= interval }

    /// A look was taken at `time`.
    mutating func looked(at time: Double) { last = time }

    /// What the look found, at `time`: far from everyone once `patience` is over doubles the wait, anything nearer
    /// resets it to `base`.
    mutating func judged(_ match: Matcher.Match, at time: Double, threshold: Float, base: Double) {
        let far = (match.best?.distance ?? .infinity) >= threshold * (1 + Self.farMargin) && time - since >= Self.patience
        interval = far ? min(max(interval * 2, base), max(Self.longest, base)) : base
    }
}
