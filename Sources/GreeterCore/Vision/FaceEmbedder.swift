/// SFace (Zhong et al. 2021, a MobileFaceNet trained with the SFace loss; OpenCV Zoo, Apache-2.0) through cv::dnn:
/// a 112×112 RGB face chip, warped from the five landmarks onto the ArcFace template, in; a unit-length 128-d
/// embedding out. Same person ⇒ small L2 distance. The file is the wheel's int8 model converted offline to fp32
/// (`scripts/convert-sface.py`), with a free batch dimension.
public final class FaceEmbedder: Sendable {
    public static let dimension = 128
    public static let chipSide = 112
    /// Where the five landmarks go on the chip (left eye, right eye, nose, mouth corners): the standard ArcFace
    /// template that SFace was trained on, as `cv::FaceRecognizerSF::alignCrop` uses it.
    public static let template: [Point] = [
        Point(x: 38.2946, y: 51.6963), Point(x: 73.5318, y: 51.5014), Point(x: 56.0252, y: 71.7366),
        Point(x: 41.5493, y: 92.3655), Point(x: 70.7299, y: 92.2041),
    ]
    /// The distances this model's embeddings are judged by (measured; README "Distances, thresholds, accuracy").
    public static let calibration = EmbeddingCalibration.sface

    private let net: NeuralNetwork

    public init(models: ModelFiles) throws {
        net = try NeuralNetwork(path: models.path(of: .sface))
    }

    /// Embeds several chips in one forward pass; with `averagingMirror`, each chip's mirror image goes in the same
    /// pass and each embedding is the normalised mean of the two.
    public func embed(_ chips: [Image], averagingMirror: Bool) throws -> [[Float]] {
        guard averagingMirror else { return try embed(chips).map(Self.normalised) }
        let both = try embed(chips + chips.map { $0.mirrored() })
        return (0..<chips.count).map { i in
            Self.normalised(zip(Self.normalised(both[i]), Self.normalised(both[i + chips.count])).map { $0 + $1 })
        }
    }

    private static func normalised(_ vector: [Float]) -> [Float] {
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / max(length, .leastNormalMagnitude) }
    }

    /// At most this many chips per forward pass (a face and its mirror): cv::dnn keeps every layer's output for the
    /// whole batch, about 6.5 MB per chip, while a bigger batch is no faster per chip on a CPU (measured 1, 2, 4).
    static let largestBatch = 2

    /// The raw outputs (norm about 10), one per chip.
    private func embed(_ chips: [Image]) throws -> [[Float]] {
        guard chips.count <= Self.largestBatch else {
            return try stride(from: 0, to: chips.count, by: Self.largestBatch).flatMap { start in
                try embed(Array(chips[start..<min(start + Self.largestBatch, chips.count)]))
            }
        }
        guard !chips.isEmpty else { return [] }
        let side = Self.chipSide
        precondition(chips.allSatisfy { $0.width == side && $0.height == side }, "chips must be \(side)x\(side)")
        let plane = side * side
        var blob = [Float](repeating: 0, count: chips.count * 3 * plane)
        blob.withUnsafeMutableBufferPointer { out in
            for (n, chip) in chips.enumerated() {
                chip.pixels.withUnsafeBufferPointer { bgr in
                    // NCHW, RGB, 0–255, as cv::FaceRecognizerSF feeds it (blobFromImage with swapRB); the network
                    // subtracts 127.5 and scales by itself. (BGR measured 98.9 % against RGB's on a quarter of LFW.)
                    for i in 0..<plane {
                        out[(n * 3) * plane + i] = Float(bgr[i * 3 + 2])
                        out[(n * 3 + 1) * plane + i] = Float(bgr[i * 3 + 1])
                        out[(n * 3 + 2) * plane + i] = Float(bgr[i * 3])
                    }
                }
            }
        }
        let output = try net.forward(blob, shape: [chips.count, 3, side, side], outputs: ["fc1"])[0]
        return (0..<chips.count).map { Array(output.values[$0 * Self.dimension..<($0 + 1) * Self.dimension]) }
    }
}
