/// A synthetic face mask drawn over the enrolment photo from its five landmarks: a template for recognising the
/// person when they wear one. Drawn on the full picture, so the chip is cut exactly as a camera face would be.
public struct MaskAugmentation: TemplateAugmentation {
    public let style: MaskStyle
    public let shape: MaskShape

    public init(style: MaskStyle, shape: MaskShape = .standard) {
        self.style = style; self.shape = shape
    }

    public var kind: String { "mask:" + style.name }

    public func apply(to image: Image, face: DetectedFace, aligner: FaceAligner) throws -> Image {
        var masked = image
        draw(on: &masked, face: face)
        return try aligner.chip(from: masked, face: face)
    }

    /// Paints the mask: the outline first (so the seams between grid cells show mask, not face), then each
    /// cell of the grid in its shaded pattern colour.
    public func draw(on image: inout Image, face: DetectedFace) {
        let frame = FaceFrame(landmarks: face.landmarks)
        image.fillPolygon(shape.outline(on: frame), color: style.color.scaled(0.9))
        let (columns, rows) = style.grid
        for row in 0..<rows {
            for column in 0..<columns {
                let (u0, u1) = (-1 + 2 * Float(column) / Float(columns), -1 + 2 * Float(column + 1) / Float(columns))
                let (v0, v1) = (Float(row) / Float(rows), Float(row + 1) / Float(rows))
                let color = style.color(u: (u0 + u1) / 2, v: (v0 + v1) / 2, column: column, row: row)
                image.fillPolygon(shape.patch(u0: u0, u1: u1, v0: v0, v1: v1, on: frame, steps: 2), color: color)
            }
        }
    }
}

extension MaskAugmentation {
    /// The masks enrolment adds (`gallery.masked_templates`): the common kinds seen at a door.
    public static let standard: [any TemplateAugmentation] = catalogue

    /// Every style `eval masked --templates` can choose from.
    public static let catalogue: [MaskAugmentation] = [
        MaskAugmentation(style: MaskStyle(name: "surgical-blue", color: Image.Color(red: 135, green: 180, blue: 215),
                                          pattern: .pleats(count: 3))),
        MaskAugmentation(style: MaskStyle(name: "surgical-white", color: Image.Color(red: 228, green: 230, blue: 232),
                                          pattern: .pleats(count: 3))),
        MaskAugmentation(style: MaskStyle(name: "black", color: Image.Color(red: 38, green: 38, blue: 42))),
        MaskAugmentation(style: MaskStyle(name: "cloth-stripes", color: Image.Color(red: 40, green: 55, blue: 110),
                                          secondColor: Image.Color(red: 200, green: 205, blue: 215),
                                          pattern: .stripes(count: 8))),
        MaskAugmentation(style: MaskStyle(name: "cloth-checks", color: Image.Color(red: 170, green: 40, blue: 50),
                                          secondColor: Image.Color(red: 225, green: 215, blue: 200),
                                          pattern: .checks(columns: 10, rows: 6))),
    ]
}

