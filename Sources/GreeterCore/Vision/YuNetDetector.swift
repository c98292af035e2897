import Glibc

/// YuNet 2023mar (Wu, Peng, Yu 2023; OpenCV Zoo, MIT): one small anchor-free network that gives each face's box,
/// score and five landmarks. OpenCV 4.6's `cv::FaceDetectorYN` expects an older output layout, so the outputs are
/// decoded here: per stride (8, 16, 32) and grid cell, a class score, an objectness score, a box and 5 points.
final class YuNetDetector: Sendable {
    private let net: NeuralNetwork

    static let strides = [8, 16, 32]
    /// Side, in pixels of the network's input, of the smallest face it finds reliably: a camera frame searched
    /// for faces of `minFaceSize` is first scaled so those become this large (640×480 at 60 px → 320×240, four
    /// times less work).
    static let comfortableFace: Float = 30
    /// Boxes overlapping a stronger one by more than this intersection-over-union are the same face.
    static let overlap: Float = 0.3

    init(models: ModelFiles) throws {
        net = try NeuralNetwork(path: models.path(of: .yunet))
    }

    func detect(_ image: Image, settings: FaceDetector.Settings) throws -> [DetectedFace] {
        let factor = min(1, Self.comfortableFace / Float(max(settings.minFaceSize, 1)))
        let input = factor < 1
            ? try image.resized(width: max(1, Int((Float(image.width) * factor).rounded())),
                                height: max(1, Int((Float(image.height) * factor).rounded())))
            : image
        let faces = try run(input, minScore: settings.minScore)
            .map { factor < 1 ? $0.scaled(by: 1 / factor) : $0 }
            .filter { max($0.box.width, $0.box.height) >= Float(settings.minFaceSize) }
        return Self.nonMaximumSuppression(faces)
    }

    /// The network on `image` as it is: BGR 0–255, NCHW, padded with black to a multiple of 32 on both sides (the
    /// strides' feature maps must line up), then every cell scoring at least `minScore`.
    private func run(_ image: Image, minScore: Float) throws -> [DetectedFace] {
        let (width, height) = ((image.width + 31) / 32 * 32, (image.height + 31) / 32 * 32)
        let plane = width * height
        var blob = [Float](repeating: 0, count: 3 * plane)
        blob.withUnsafeMutableBufferPointer { out in
            image.pixels.withUnsafeBufferPointer { bgr in
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        let (src, dst) = ((y * image.width + x) * 3, y * width + x)
                        out[dst] = Float(bgr[src])
                        out[plane + dst] = Float(bgr[src + 1])
                        out[2 * plane + dst] = Float(bgr[src + 2])
                    }
                }
            }
        }
        let names = ["cls", "obj", "bbox", "kps"].flatMap { kind in Self.strides.map { "\(kind)_\($0)" } }
        let outputs = try net.forward(blob, shape: [1, 3, height, width], outputs: names)
        var faces: [DetectedFace] = []
        for (index, stride) in Self.strides.enumerated() {
            let count = Self.strides.count
            faces += Self.decode(classes: outputs[index].values, objectness: outputs[count + index].values,
                                 boxes: outputs[2 * count + index].values, points: outputs[3 * count + index].values,
                                 columns: width / stride, stride: Float(stride), minScore: minScore)
        }
        return faces
    }

    /// One stride's cells: score = √(class · objectness); centre = (column + dx, row + dy) · stride; size =
    /// exp(dw, dh) · stride; landmark k = (column + lx_k, row + ly_k) · stride.
    static func decode(classes: [Float], objectness: [Float], boxes: [Float], points: [Float], columns: Int,
                       stride: Float, minScore: Float) -> [DetectedFace] {
        var faces: [DetectedFace] = []
        for cell in classes.indices {
            let score = (classes[cell].clamped(to: 0...1) * objectness[cell].clamped(to: 0...1)).squareRoot()
            guard score >= minScore else { continue }
            let (column, row) = (Float(cell % columns), Float(cell / columns))
            let box = boxes[cell * 4..<cell * 4 + 4].map { $0 }
            let (cx, cy) = ((column + box[0]) * stride, (row + box[1]) * stride)
            let (w, h) = (exp(box[2]) * stride, exp(box[3]) * stride)
            let p = (0..<5).map { k in
                Point(x: (column + points[cell * 10 + 2 * k]) * stride, y: (row + points[cell * 10 + 2 * k + 1]) * stride)
            }
            faces.append(DetectedFace(
                box: Rect(x: cx - w / 2, y: cy - h / 2, width: w, height: h), score: score,
                landmarks: Landmarks(leftEye: p[0], rightEye: p[1], nose: p[2], mouthLeft: p[3], mouthRight: p[4])))
        }
        return faces
    }

    /// Greedy: the strongest box stays, the boxes overlapping it by more than `overlap` go.
    static func nonMaximumSuppression(_ faces: [DetectedFace]) -> [DetectedFace] {
        var remaining = faces.sorted { $0.score > $1.score }
        var kept: [DetectedFace] = []
        while let best = remaining.first {
            kept.append(best)
            remaining = remaining.dropFirst().filter { $0.box.iou(best.box) <= overlap }
        }
        return kept
    }
}
