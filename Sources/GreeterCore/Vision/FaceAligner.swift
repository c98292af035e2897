/// Cuts the chip the embedder wants (112×112 for SFace) out of a picture, given a detected face.
public struct FaceAligner: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable {
        /// The detector's box widened by a margin, scaled to the chip (what FaceNet was trained on; measured worse
        /// for SFace, and what an evaluation photo without a detection falls back to).
        case crop
        /// A similarity transform (rotation, scale, shift) that puts the five landmarks on the embedder's
        /// template: what SFace was trained on, and it undoes head roll.
        case similarity
    }

    public var method: Method
    /// Crop margin, as a fraction of the box's side, shared between the two sides.
    public var margin: Float
    /// Embed each chip together with its mirror image and average the two (the "flip test"): the embedding no
    /// longer depends on which side of the face is better lit or nearer the camera (`eval masked` and `eval pairs`
    /// measure the gain), for twice the embedding work.
    public var averagesMirror: Bool

    public init(method: Method = .similarity, margin: Float = 0.2, averagesMirror: Bool = true) {
        self.method = method
        self.margin = margin
        self.averagesMirror = averagesMirror
    }

    public func chip(from image: Image, face: DetectedFace) throws -> Image {
        let side = FaceEmbedder.chipSide
        switch method {
        case .crop:
            let box = face.box
            let (dx, dy) = (box.width * margin / 2, box.height * margin / 2)
            return try image.cropped(x: Int((box.x - dx).rounded()), y: Int((box.y - dy).rounded()),
                                     cropWidth: max(1, Int((box.width + 2 * dx).rounded())),
                                     cropHeight: max(1, Int((box.height + 2 * dy).rounded())),
                                     toWidth: side, height: side, interpolation: .linear)
        case .similarity:
            let matrix = Self.similarity(from: face.landmarks.all, to: FaceEmbedder.template)
            return try image.warped(by: matrix, width: side, height: side)
        }
    }

    /// Least-squares similarity transform (Umeyama 1991, no reflection) mapping `source` onto `target`,
    /// as a row-major 2×3 matrix.
    static func similarity(from source: [Point], to target: [Point]) -> [Double] {
        let n = Double(source.count)
        let (sx, sy) = (source.reduce(0) { $0 + Double($1.x) } / n, source.reduce(0) { $0 + Double($1.y) } / n)
        let (tx, ty) = (target.reduce(0) { $0 + Double($1.x) } / n, target.reduce(0) { $0 + Double($1.y) } / n)
        // With complex numbers z = x + iy, the best similarity is t = a·s + b with a = Σ conj(s)·t / Σ |s|².
        var (re, im, norm) = (0.0, 0.0, 0.0)
        for (s, t) in zip(source, target) {
            let (px, py) = (Double(s.x) - sx, Double(s.y) - sy)
            let (qx, qy) = (Double(t.x) - tx, Double(t.y) - ty)
            re += px * qx + py * qy
            im += px * qy - py * qx
            norm += px * px + py * py
        }
        guard norm > 0 else { return [1, 0, tx - sx, 0, 1, ty - sy] }
        let (a, b) = (re / norm, im / norm)
        return [a, -b, tx - (a * sx - b * sy), b, a, ty - (b * sx + a * sy)]
    }
}
