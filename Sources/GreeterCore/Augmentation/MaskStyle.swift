/// How a synthetic mask looks: its colours, its pattern on the (u, v) surface, and its shading.
public struct MaskStyle: Sendable {
    public enum Pattern: Sendable {
        case plain
        /// Surgical pleats: `count` thin darker folds across the mask.
        case pleats(count: Int)
        /// Bands across the mask alternating the two colours.
        case stripes(count: Int)
        /// A checkerboard of the two colours.
        case checks(columns: Int, rows: Int)
    }

    public let name: String
    public let color: Image.Color
    public let secondColor: Image.Color
    public let pattern: Pattern

    public init(name: String, color: Image.Color, secondColor: Image.Color? = nil, pattern: Pattern = .plain) {
        self.name = name; self.color = color; self.secondColor = secondColor ?? color; self.pattern = pattern
    }

    /// Grid the mask is painted in: fine enough for shading and the pattern.
    var grid: (columns: Int, rows: Int) {
        switch pattern {
        case .plain: (16, 6)
        case .pleats(let count): (16, 8 * (count + 1))
        case .stripes(let count): (16, count)
        case .checks(let columns, let rows): (columns, rows)
        }
    }

    /// The colour of the grid cell centred on (u, v).
    func color(u: Float, v: Float, column: Int, row: Int) -> Image.Color {
        let base: Image.Color
        switch pattern {
        case .plain: base = color
        case .pleats(let count):
            let fold = row % 8 == 7 && row / 8 < count
            base = fold ? color.scaled(0.82) : color
        case .stripes: base = row % 2 == 0 ? color : secondColor
        case .checks: base = (row + column) % 2 == 0 ? color : secondColor
        }
        return base.scaled(Self.shade(u: u, v: v))
    }

    /// Light falls off toward the sides, where the mask turns away, and a little toward the chin.
    static func shade(u: Float, v: Float) -> Float { (1 - 0.3 * u * u) * (1 - 0.1 * v) }
}

extension Image.Color {
    func scaled(_ factor: Float) -> Image.Color {
        func channel(_ value: UInt8) -> UInt8 { UInt8((Float(value) * factor).rounded().clamped(to: 0...255)) }
        return Image.Color(red: channel(red), green: channel(green), blue: channel(blue))
    }
}
