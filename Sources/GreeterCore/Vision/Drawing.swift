import CVisionBridge

/// Annotation drawing, for `identify --annotate`, the visits sheet and debugging.
extension Image {
    public struct Color: Sendable {
        public var blue: UInt8, green: UInt8, red: UInt8
        public init(red: UInt8, green: UInt8, blue: UInt8) { self.red = red; self.green = green; self.blue = blue }
        var bgr: [UInt8] { [blue, green, red] }

        public static let known = Color(red: 40, green: 200, blue: 60)
        public static let unknown = Color(red: 230, green: 60, blue: 40)
        public static let landmark = Color(red: 255, green: 200, blue: 0)
        public static let white = Color(red: 255, green: 255, blue: 255)
    }

    public mutating func drawRectangle(_ rect: Rect, color: Color, thickness: Int = 2) {
        draw { cvb_draw_rect($0, $1, $2, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height),
                             color.bgr, Int32(thickness)) }
    }

    public mutating func drawDot(_ point: Point, radius: Int, color: Color) {
        draw { cvb_draw_circle($0, $1, $2, Int32(point.x), Int32(point.y), Int32(radius), color.bgr, -1) }
    }

    public mutating func drawLabel(_ text: String, at point: Point, scale: Double, color: Color) {
        draw { cvb_draw_text($0, $1, $2, text, Int32(point.x), Int32(point.y), scale, color.bgr,
                             max(1, Int32(scale * 2))) }
    }

    /// A filled polygon, blended with `opacity` (1 = opaque).
    public mutating func fillPolygon(_ points: [Point], color: Color, opacity: Double = 1) {
        let flat = points.flatMap { [$0.x, $0.y] }
        draw { cvb_fill_polygon($0, $1, $2, flat, Int32(points.count), color.bgr, opacity) }
    }

    /// Copies `other` in with its top left corner at (x, y); it must fit.
    public mutating func paste(_ other: Image, x: Int, y: Int) {
        precondition(x >= 0 && y >= 0 && x + other.width <= width && y + other.height <= height,
                     "paste: \(other.width)x\(other.height) at \(x),\(y) does not fit in \(width)x\(height)")
        let row = other.width * 3
        for line in 0..<other.height {
            let to = ((y + line) * width + x) * 3
            pixels.replaceSubrange(to..<(to + row), with: other.pixels[(line * row)..<((line + 1) * row)])
        }
    }

    // Drawing only fails on nonsense arguments (never for in-memory images), so a failure is a programming error.
    private mutating func draw(_ body: (UnsafeMutablePointer<UInt8>, Int32, Int32) -> Int32) {
        let (w, h) = (Int32(width), Int32(height))
        let status = pixels.withUnsafeMutableBufferPointer { body($0.baseAddress!, w, h) }
        precondition(status == 0, String(cString: cvb_last_error()))
    }
}
