/// How good one detected face is as a picture of that person: sharp, facing the camera, large, and whole.
/// The visit log keeps each track's best look by it; it needs only the detection and the frame, so it can also
/// gate which looks are worth embedding.
public struct FaceQuality: Sendable, Equatable, Comparable {
    /// Each 0...1, higher is better.
    public let sharpness: Float
    public let frontalness: Float
    public let size: Float
    /// The share of the box inside the frame (a face cut by the edge aligns badly).
    public let inside: Float

    /// Laplacian variance (grey levels²) on the 64×64 face at which sharpness is one half: JPEG video frames of
    /// a face in focus give several hundred, a face blurred by motion or focus a few tens.
    static let halfSharpness: Float = 100
    /// Box side (pixels) from which size no longer counts: SFace's chip is 112 px.
    static let fullSize: Float = 112
    static let patch = 64

    public init(sharpness: Float, frontalness: Float, size: Float, inside: Float) {
        self.sharpness = sharpness; self.frontalness = frontalness; self.size = size; self.inside = inside
    }

    /// Scores `face` as found in `image`.
    public init(of face: DetectedFace, in image: Image) throws {
        let box = face.box
        let visibleWidth = min(box.maxX, Float(image.width)) - max(0, box.x)
        let visibleHeight = min(box.maxY, Float(image.height)) - max(0, box.y)
        let inside = box.area > 0 ? max(0, visibleWidth) * max(0, visibleHeight) / box.area : 0
        let variance = try Self.laplacianVariance(of: box, in: image)
        self.init(sharpness: variance / (variance + Self.halfSharpness),
                  frontalness: Self.frontalness(face.landmarks),
                  size: min(1, min(box.width, box.height) / Self.fullSize),
                  inside: inside)
    }

    /// One figure to rank looks by: a product, so a look that fails badly on one count is not saved by another.
    public var score: Float { sharpness * frontalness * size * inside }

    public static func < (a: FaceQuality, b: FaceQuality) -> Bool { a.score < b.score }

    /// 1 when the nose sits midway between the eyes and between the mouth corners, falling to 0 as the head
    /// turns (in profile the nose reaches past the near eye). Roll does not count: alignment undoes it.
    static func frontalness(_ l: Landmarks) -> Float {
        func offset(_ a: Point, _ b: Point) -> Float {
            let (dx, dy) = (b.x - a.x, b.y - a.y)
            let length = (dx * dx + dy * dy).squareRoot()
            guard length > 0 else { return 1 }
            // The nose's position along the line a→b, from -1 (at a) through 0 (midway) to 1 (at b).
            let t = ((l.nose.x - a.x) * dx + (l.nose.y - a.y) * dy) / (length * length)
            return abs(2 * t - 1)
        }
        let turn = max(offset(l.leftEye, l.rightEye), offset(l.mouthLeft, l.mouthRight))
        return max(0, 1 - turn)
    }

    /// Variance of the 4-neighbour Laplacian over the face box scaled to 64×64 grey: high for sharp edges.
    static func laplacianVariance(of box: Rect, in image: Image) throws -> Float {
        let n = patch
        let grey = try image.square(around: box, faces: 1, sides: n...n).grayThumbnail(width: n, height: n)
        var sum: Float = 0, squares: Float = 0
        for y in 1..<(n - 1) {
            for x in 1..<(n - 1) {
                let i = y * n + x
                let value = Float(grey[i - 1]) + Float(grey[i + 1]) + Float(grey[i - n]) + Float(grey[i + n])
                    - 4 * Float(grey[i])
                sum += value
                squares += value * value
            }
        }
        let count = Float((n - 2) * (n - 2))
        let mean = sum / count
        return squares / count - mean * mean
    }
}
