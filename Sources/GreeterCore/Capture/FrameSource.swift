/// One picture from a camera or a file, with when it was taken.
public struct Frame: Sendable {
    public let image: Image
    /// Monotonic capture time in seconds (camera timestamp, or the file's presentation time
    /// mapped onto the monotonic clock when paced).
    public let time: Double
    /// Counts from 0 for each opened source.
    public let index: Int

    public init(image: Image, time: Double, index: Int) {
        self.image = image; self.time = time; self.index = index
    }
}

/// Where frames come from. `next()` blocks until a frame is there; the capture stage owns the source
/// and calls it from one thread only.
public protocol FrameSource: AnyObject {
    /// Human-readable: the device and the format actually negotiated, or the file and its rate.
    var description: String { get }
    /// The next frame; nil at the end of a file (a camera never ends, it throws when it is lost).
    func next() throws -> Frame?
    /// Releases the device or file; `next()` is not called after this.
    func close()
}
