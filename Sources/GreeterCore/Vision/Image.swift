/// An owned 8-bit BGR picture, rows packed with no padding: the one pixel type every stage passes on.
///
/// A value type so that a frame handed from one Dispatch stage to the next is never shared mutably.
public struct Image: Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes, B, G, R per pixel, row by row.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "Image: \(width)x\(height) needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image, for tests and for drawing on.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }
}
