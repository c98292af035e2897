/// Finds faces and their five landmarks: YuNet (one small network, 0.2 MB). MTCNN, its three-network cascade
/// predecessor, was removed: YuNet found as many faces or more everywhere it was measured, masked ones included,
/// at a quarter of the time (README "Models").
public final class FaceDetector: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Smallest face to find, in pixels (side of its box). The frame is searched on a copy scaled so that such a
        /// face is still comfortably large for the network. Larger is faster.
        public var minFaceSize: Int
        /// Score √(class · objectness) a face must reach, 0...1.
        public var minScore: Float

        public init(minFaceSize: Int = 60, minScore: Float = 0.6) {
            self.minFaceSize = minFaceSize; self.minScore = minScore
        }
    }

    private let yunet: YuNetDetector

    public init(models: ModelFiles) throws {
        yunet = try YuNetDetector(models: models)
    }

    /// Faces in `image`, strongest first.
    public func detect(_ image: Image, settings: Settings = Settings()) throws -> [DetectedFace] {
        try yunet.detect(image, settings: settings)
    }
}
