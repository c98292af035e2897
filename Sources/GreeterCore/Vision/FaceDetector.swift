/// Finds faces and their five landmarks with the detector the settings name: YuNet (one small network, the
/// default) or MTCNN (a three-network cascade). Both load at start-up; together they are under 3 MB.
public final class FaceDetector: Sendable {
    public enum Model: String, Sendable, Equatable, CaseIterable {
        case yunet, mtcnn
    }

    public struct Settings: Sendable, Equatable {
        public var model: Model
        /// Smallest face to find, in pixels (side of its box). MTCNN starts its pyramid there; YuNet looks at a
        /// copy scaled so that such a face is still comfortably large for it. Larger is faster for both.
        public var minFaceSize: Int
        /// YuNet: score √(class · objectness) a face must reach, 0...1.
        public var minScore: Float
        /// MTCNN: score a candidate must pass at P-, R- and O-net.
        public var thresholds: [Float]
        /// MTCNN: ratio between pyramid levels.
        public var scaleFactor: Float
        /// MTCNN: what is done with near misses; nil: nothing.
        public var nearMiss: NearMiss?

        public init(model: Model = .yunet, minFaceSize: Int = 60, minScore: Float = 0.6,
                    thresholds: [Float] = [0.6, 0.7, 0.7], scaleFactor: Float = 0.709,
                    nearMiss: NearMiss? = NearMiss()) {
            self.model = model; self.minFaceSize = minFaceSize; self.minScore = minScore
            self.thresholds = thresholds; self.scaleFactor = scaleFactor; self.nearMiss = nearMiss
        }
    }

    /// A candidate that MTCNN's R- and O-net scored at least `refine` and `output` but under the thresholds, with
    /// landmarks that form a plausible face. Masks hide the nose and mouth those stages look for: a masked face
    /// often passes at one pyramid scale and fails at the next, or only O-net (the strongest stage) is sure of it.
    public struct NearMiss: Sendable, Equatable {
        public var refine: Float
        public var output: Float
        /// O-net score at which a near miss is a face even when its second look finds nothing.
        public var sure: Float

        public init(refine: Float = 0.4, output: Float = 0.5, sure: Float = 0.95) {
            self.refine = refine; self.output = output; self.sure = sure
        }
    }

    private let yunet: YuNetDetector
    private let mtcnn: MTCNNDetector

    public init(models: ModelFiles) throws {
        yunet = try YuNetDetector(models: models)
        mtcnn = try MTCNNDetector(models: models)
    }

    /// Faces in `image`, strongest first.
    public func detect(_ image: Image, settings: Settings = Settings()) throws -> [DetectedFace] {
        switch settings.model {
        case .yunet: try yunet.detect(image, settings: settings)
        case .mtcnn: try mtcnn.detect(image, settings: settings)
        }
    }
}
