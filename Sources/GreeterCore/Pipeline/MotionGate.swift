/// Decides whether a frame is worth running the face detector on. A frame is compared, as a 64×48 grey
/// thumbnail, with the last frame that was detected on: while the scene stays as it was, detection is skipped
/// except every `idleInterval` seconds, so an idle daemon costs almost nothing yet a face that stays still
/// after arriving is still seen (and its track kept alive).
public struct MotionGate: Sendable {
    public struct Settings: Sendable, Equatable {
        public var enabled: Bool
        /// Mean absolute grey difference (0...255) that counts as motion.
        public var threshold: Float
        public var idleInterval: Double

        public init(enabled: Bool = true, threshold: Float = 6, idleInterval: Double = 1) {
            self.enabled = enabled; self.threshold = threshold; self.idleInterval = idleInterval
        }
    }

    public static let thumbnailSize = (width: 64, height: 48)

    public var settings: Settings
    private var reference: [UInt8]?
    private var lastDetection = -Double.infinity

    public init(settings: Settings) { self.settings = settings }

    /// True when the detector should run on `frame`; the frame then becomes the new reference. `watching`
    /// (a face is in view and not yet recognised) opens the gate whatever the scene does.
    public mutating func shouldDetect(_ frame: Frame, watching: Bool = false) throws -> Bool {
        guard settings.enabled else { return true }
        let thumbnail = try frame.image.grayThumbnail(width: Self.thumbnailSize.width, height: Self.thumbnailSize.height)
        let moved = reference.map { Self.meanDifference($0, thumbnail) >= settings.threshold } ?? true
        guard watching || moved || frame.time - lastDetection >= settings.idleInterval else { return false }
        reference = thumbnail
        lastDetection = frame.time
        return true
    }

    static func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Float {
        var sum = 0
        for i in a.indices { sum += abs(Int(a[i]) - Int(b[i])) }
        return Float(sum) / Float(max(a.count, 1))
    }
}
