/// How good a detected face is as an enrolment photo: big enough, sharp, looking at the camera. Each part runs
/// from 0 to 1; `score` is their product, to rank frames of one person.
public struct FaceQuality: Sendable, Equatable {
    /// The face's side over `fullSide` (a face that big or bigger is 1).
    public let size: Float
    /// The spread of the face's Laplacian (edges), squashed to 0...1: low for motion blur and focus misses.
    public let sharpness: Float
    /// 1 for a face looking straight at the camera, 0 for one turned by about half its width (nose over an eye).
    public let frontal: Float

    public var score: Float { size * sharpness * frontal }

    /// Faces from this side up count as full size.
    static let fullSide: Float = 160
    /// The Laplacian variance (grey levels², on a 64 px face) that counts as half sharp.
    static let halfSharpVariance: Float = 150

    public init(of face: DetectedFace, in image: Image) throws {
        size = min(1, max(face.box.width, face.box.height) / Self.fullSide)
        let marks = face.landmarks
        let eyes = Point(x: (marks.leftEye.x + marks.rightEye.x) / 2, y: (marks.leftEye.y + marks.rightEye.y) / 2)
        let (dx, dy) = (marks.rightEye.x - marks.leftEye.x, marks.rightEye.y - marks.leftEye.y)
        let eyeDistance = max(1, (dx * dx + dy * dy).squareRoot())
        // The nose leaves the line between the eyes' midpoint and the mouth's as the head turns.
        let mouth = Point(x: (marks.mouthLeft.x + marks.mouthRight.x) / 2, y: (marks.mouthLeft.y + marks.mouthRight.y) / 2)
        let yaw = abs(marks.nose.x - (eyes.x + mouth.x) / 2) / eyeDistance
        frontal = max(0, 1 - 2 * yaw)
        let variance = try Self.laplacianVariance(of: face.box, in: image)
        sharpness = variance / (variance + Self.halfSharpVariance)
    }

    /// The variance of the 4-neighbour Laplacian over the face box scaled to 64 × 64 grey.
    private static func laplacianVariance(of box: Rect, in image: Image) throws -> Float {
        let side = 64
        let chip = try image.cropped(x: Int(box.x), y: Int(box.y), cropWidth: max(1, Int(box.width)),
                                     cropHeight: max(1, Int(box.height)), toWidth: side, height: side,
                                     interpolation: .area)
        let grey: [Float] = stride(from: 0, to: chip.pixels.count, by: 3).map { (i: Int) -> Float in
            let (b, g, r) = (Float(chip.pixels[i]), Float(chip.pixels[i + 1]), Float(chip.pixels[i + 2]))
            return 0.114 * b + 0.587 * g + 0.299 * r
        }
        var values: [Float] = []
        values.reserveCapacity((side - 2) * (side - 2))
        for y in 1..<(side - 1) {
            for x in 1..<(side - 1) {
                let i = y * side + x
                let around: Float = grey[i - 1] + grey[i + 1] + grey[i - side] + grey[i + side]
                values.append(around - 4 * grey[i])
            }
        }
        let mean = values.reduce(0, +) / Float(values.count)
        return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)
    }
}
