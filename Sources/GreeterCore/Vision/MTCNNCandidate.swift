/// A face box travelling through the MTCNN cascade, in MTCNN's inclusive pixel coordinates.
struct Candidate {
    var x1: Float, y1: Float, x2: Float, y2: Float
    var score: Float
    /// R-net's score, kept for O-net's decision.
    var refineScore: Float = 0
    /// Box regression offsets (dx1, dy1, dx2, dy2), relative to the box size.
    var regression: [Float]
    var landmarks: [Point] = []

    var area: Float { (x2 - x1 + 1) * (y2 - y1 + 1) }

    /// Applies the regression offsets.
    func regressed(inclusive: Bool) -> Candidate {
        let extra: Float = inclusive ? 1 : 0
        let (w, h) = (x2 - x1 + extra, y2 - y1 + extra)
        var moved = self
        moved.x1 = x1 + regression[0] * w
        moved.y1 = y1 + regression[1] * h
        moved.x2 = x2 + regression[2] * w
        moved.y2 = y2 + regression[3] * h
        return moved
    }

    /// The square around the box's centre with its longer side.
    func squared() -> Candidate {
        let (w, h) = (x2 - x1, y2 - y1)
        let side = max(w, h)
        var square = self
        square.x1 = x1 + w * 0.5 - side * 0.5
        square.y1 = y1 + h * 0.5 - side * 0.5
        square.x2 = square.x1 + side
        square.y2 = square.y1 + side
        return square
    }

    /// Whole-pixel corners, as the next network's crops expect.
    func truncated() -> Candidate {
        var whole = self
        (whole.x1, whole.y1, whole.x2, whole.y2) = (x1.rounded(.towardZero), y1.rounded(.towardZero),
                                                    x2.rounded(.towardZero), y2.rounded(.towardZero))
        return whole
    }

    /// The box's pixels (black past the border) scaled to side × side, as R-net (24) and O-net (48) take them.
    func crop(of image: Image, side: Int) throws -> Image {
        let (x, y) = (Int(x1) - 1, Int(y1) - 1)
        let (w, h) = (max(1, Int(x2) - Int(x1) + 1), max(1, Int(y2) - Int(y1) + 1))
        return try image.cropped(x: x, y: y, cropWidth: w, cropHeight: h, toWidth: side, height: side,
                                 interpolation: .area)
    }

    /// Whether the five landmarks (eyes, nose, mouth corners) sit where a face's would in this box, upright or
    /// turned: what lets a candidate that R- or O-net scored low (a masked face) through.
    var hasPlausibleLandmarks: Bool {
        guard landmarks.count == 5 else { return false }
        let side = x2 - x1 + 1
        let (left, right, nose) = (landmarks[0], landmarks[1], landmarks[2])
        let eyes = Point(x: right.x - left.x, y: right.y - left.y)
        let distance = (eyes.x * eyes.x + eyes.y * eyes.y).squareRoot()
        guard distance > 0 else { return false }
        let (across, down) = (Point(x: eyes.x / distance, y: eyes.y / distance), Point(x: -eyes.y / distance, y: eyes.x / distance))
        let middle = Point(x: (left.x + right.x) / 2, y: (left.y + right.y) / 2)
        // Face-frame coordinates in eye distances: x along the eyes, y down the face from their midpoint.
        func frame(_ p: Point) -> (x: Float, y: Float) {
            let (dx, dy) = (p.x - middle.x, p.y - middle.y)
            return ((dx * across.x + dy * across.y) / distance, (dx * down.x + dy * down.y) / distance)
        }
        let (n, ml, mr) = (frame(nose), frame(landmarks[3]), frame(landmarks[4]))
        let mouth = (x: (ml.x + mr.x) / 2, y: (ml.y + mr.y) / 2)
        return (0.25...0.65).contains(distance / side) && abs(eyes.y) <= 0.6 * abs(eyes.x) && eyes.x > 0
            && (0.25...1.0).contains(n.y) && abs(n.x) <= 0.6
            && (0.7...1.6).contains(mouth.y) && mouth.y > n.y + 0.15 && abs(mouth.x) <= 0.6
            && (0.45...1.4).contains(mr.x - ml.x)
            && (middle.y - y1) / side < 0.6
    }

    /// The candidate of an image that was cut out at (dx, dy) and scaled by 1 / `scale`, in the original's pixels.
    func mapped(scale: Float, dx: Float, dy: Float) -> Candidate {
        var moved = self
        (moved.x1, moved.y1, moved.x2, moved.y2) = (x1 * scale + dx, y1 * scale + dy, x2 * scale + dx, y2 * scale + dy)
        moved.landmarks = landmarks.map { Point(x: $0.x * scale + dx, y: $0.y * scale + dy) }
        return moved
    }

    func intersection(_ other: Candidate) -> Float {
        let w = max(0, min(x2, other.x2) - max(x1, other.x1) + 1)
        let h = max(0, min(y2, other.y2) - max(y1, other.y1) + 1)
        return w * h
    }

    func intersectionOverUnion(_ other: Candidate) -> Float {
        let inter = intersection(other)
        return inter / (area + other.area - inter)
    }

    var face: DetectedFace {
        let left = max(0, x1), top = max(0, y1)
        let points = landmarks.count == 5 ? landmarks : Array(repeating: Point(x: 0, y: 0), count: 5)
        return DetectedFace(
            box: Rect(x: left, y: top, width: x2 - left, height: y2 - top), score: score,
            landmarks: Landmarks(leftEye: points[0], rightEye: points[1], nose: points[2],
                                 mouthLeft: points[3], mouthRight: points[4]))
    }

    enum Overlap { case union, minimum }

    /// Greedy non-maximum suppression: keeps the best box and drops those overlapping it by more than `threshold`.
    static func nonMaximumSuppression(_ boxes: [Candidate], threshold: Float, overlap: Overlap) -> [Candidate] {
        var remaining = boxes.sorted { $0.score > $1.score }
        var kept: [Candidate] = []
        while let best = remaining.first {
            kept.append(best)
            remaining = remaining.dropFirst().filter { other in
                let inter = best.intersection(other)
                let denominator = overlap == .union ? best.area + other.area - inter : min(best.area, other.area)
                return inter / denominator <= threshold
            }
        }
        return kept
    }
}

/// MTCNN's input blob: RGB scaled to (x − 127.5) / 128, laid out [n, x, y, channel] — width and height swapped.
enum MTCNNInput {
    static func blob(_ images: [Image]) -> [Float] {
        guard let first = images.first else { return [] }
        let (width, height) = (first.width, first.height)
        var blob = [Float](repeating: 0, count: images.count * width * height * 3)
        blob.withUnsafeMutableBufferPointer { out in
            for (n, image) in images.enumerated() {
                image.pixels.withUnsafeBufferPointer { bgr in
                    for y in 0..<height {
                        for x in 0..<width {
                            let src = (y * width + x) * 3
                            let dst = ((n * width + x) * height + y) * 3
                            out[dst] = (Float(bgr[src + 2]) - 127.5) * 0.0078125
                            out[dst + 1] = (Float(bgr[src + 1]) - 127.5) * 0.0078125
                            out[dst + 2] = (Float(bgr[src]) - 127.5) * 0.0078125
                        }
                    }
                }
            }
        }
        return blob
    }
}
