/// The outline of a face mask in `FaceFrame` coordinates, and the (u, v) surface inside it that patterns and
/// shading are laid out on: u runs −1 (left edge) … 1 (right edge), v 0 (top edge) … 1 (bottom edge).
public struct MaskShape: Sendable {
    public struct Anchor: Sendable {
        public var a: Float, b: Float, depth: Float
        public init(_ a: Float, _ b: Float, _ depth: Float) { self.a = a; self.b = b; self.depth = depth }
    }

    /// The top edge (over the nose bridge and cheeks) and the bottom edge (along the jaw and under the chin) of
    /// the left half, from the side (u = −1) to the middle (u = 0) at evenly spaced u; the right half mirrors it.
    public let top: [Anchor]
    public let bottom: [Anchor]

    public init(top: [Anchor], bottom: [Anchor]) {
        precondition(top.count >= 2 && top.count == bottom.count, "a mask edge needs matching anchors, at least 2")
        self.top = top; self.bottom = bottom
    }

    /// Pleated surgical or cloth mask: from just under the eyes' line at the nose bridge to under the chin,
    /// across the cheeks to in front of the ears.
    public static let standard = MaskShape(
        top: [Anchor(-1.12, 0.50, 0), Anchor(-0.85, 0.40, 0.1), Anchor(-0.45, 0.32, 0.25), Anchor(0, 0.26, 0.45)],
        bottom: [Anchor(-1.15, 0.85, 0), Anchor(-1.0, 1.25, 0.05), Anchor(-0.65, 1.55, 0.1), Anchor(0, 1.70, 0.2)])

    /// The edge anchor at u, interpolated.
    private func edge(_ anchors: [Anchor], _ u: Float) -> Anchor {
        let mirrored = u > 0
        let t = (1 - abs(u)) * Float(anchors.count - 1) // 0 at the side, count − 1 in the middle
        let i = min(Int(t), anchors.count - 2)
        let f = t - Float(i)
        let (p, q) = (anchors[i], anchors[i + 1])
        let a = p.a + (q.a - p.a) * f
        return Anchor(mirrored ? -a : a, p.b + (q.b - p.b) * f, p.depth + (q.depth - p.depth) * f)
    }

    /// The image position of surface point (u, v).
    public func point(u: Float, v: Float, on frame: FaceFrame) -> Point {
        let (t, b) = (edge(top, u), edge(bottom, u))
        return frame.point(a: t.a + (b.a - t.a) * v, b: t.b + (b.b - t.b) * v, depth: t.depth + (b.depth - t.depth) * v)
    }

    /// The patch u0…u1 × v0…v1 as a polygon, with its top and bottom sides subdivided so they follow the curve.
    public func patch(u0: Float, u1: Float, v0: Float, v1: Float, on frame: FaceFrame, steps: Int = 4) -> [Point] {
        let us = (0...steps).map { u0 + (u1 - u0) * Float($0) / Float(steps) }
        return us.map { point(u: $0, v: v0, on: frame) } + us.reversed().map { point(u: $0, v: v1, on: frame) }
    }

    /// The whole outline.
    public func outline(on frame: FaceFrame) -> [Point] {
        patch(u0: -1, u1: 1, v0: 0, v1: 1, on: frame, steps: 48)
    }
}
