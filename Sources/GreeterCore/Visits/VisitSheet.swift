/// The `visits sheet` picture: face crops in a grid, a few lines of text under each, for people who would
/// rather look than read.
public enum VisitSheet {
    public struct Tile: Sendable {
        public let face: Image
        public let lines: [String]
        /// A gallery person (the name in green) rather than an unknown face (red).
        public let named: Bool

        public init(face: Image, lines: [String], named: Bool) {
            self.face = face; self.lines = lines; self.named = named
        }
    }

    public static let faceSide = 160
    public static let lineHeight = 16
    public static let lines = 3
    public static let gap = 8
    public static let maxColumns = 6

    public static var tileHeight: Int { faceSide + lines * lineHeight + 4 }

    /// Columns and rows for `count` tiles: up to `maxColumns` a row.
    public static func grid(_ count: Int) -> (columns: Int, rows: Int) {
        let columns = max(1, min(count, maxColumns))
        return (columns, (count + columns - 1) / columns)
    }

    /// The picture's size for `count` tiles.
    public static func size(_ count: Int) -> (width: Int, height: Int) {
        let (columns, rows) = grid(count)
        return (gap + columns * (faceSide + gap), gap + rows * (tileHeight + gap))
    }

    public static func draw(_ tiles: [Tile]) throws -> Image {
        precondition(!tiles.isEmpty, "VisitSheet.draw: no tiles")
        let (width, height) = size(tiles.count)
        let columns = grid(tiles.count).columns
        var sheet = Image(width: width, height: height)
        sheet.fillPolygon([Point(x: 0, y: 0), Point(x: Float(width), y: 0), Point(x: Float(width), y: Float(height)),
                           Point(x: 0, y: Float(height))], color: background)
        for (index, tile) in tiles.enumerated() {
            let x = gap + (index % columns) * (faceSide + gap)
            let y = gap + (index / columns) * (tileHeight + gap)
            sheet.paste(try tile.face.resized(width: faceSide, height: faceSide, interpolation: .area), x: x, y: y)
            for (line, text) in tile.lines.prefix(lines).enumerated() {
                // Hershey glyphs at this scale are about 8 px wide: longer text is cut, not run into the next tile.
                let cut = text.count > 19 ? String(text.prefix(18)) + "." : text
                sheet.drawLabel(cut, at: Point(x: Float(x), y: Float(y + faceSide + (line + 1) * lineHeight)),
                                scale: 0.42, color: line == 0 ? (tile.named ? .known : .unknown) : .white)
            }
        }
        return sheet
    }

    static let background = Image.Color(red: 32, green: 32, blue: 32)
}
