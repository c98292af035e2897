/// A video capture device and what it offers, as `V4L2Camera.listDevices()` finds it.
public struct CameraInfo: Sendable, Codable, Equatable {
    /// The device node, e.g. `/dev/video0`.
    public var path: String
    /// Stable names for it: `/dev/v4l/by-id/...` (follows the camera to any port) and `/dev/v4l/by-path/...`.
    public var byID: [String]
    public var byPath: [String]
    public var card: String
    public var driver: String
    public var bus: String
    /// The camera's own pixel formats; each arrives as BGR after conversion.
    public var formats: [CameraFormat]
    /// Why the device could not be queried (e.g. permission), in which case the fields above are partial.
    public var problem: String?
}

/// One pixel format of a camera and the sizes and rates it offers in it.
public struct CameraFormat: Sendable, Codable, Equatable {
    /// Four-character code, e.g. "YUYV", "MJPG".
    public var fourcc: String
    /// The driver's name for it, e.g. "YUYV 4:2:2".
    public var name: String
    public var compressed: Bool
    /// Fixed sizes; empty when the camera takes any size in `sizeRange`.
    public var sizes: [CameraFrameSize]
    public var sizeRange: CameraSizeRange?
}

public struct CameraFrameSize: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    /// Frames per second offered at this size; with `fpsIsRange`, the lowest and the highest of a range.
    public var fps: [Double]
    public var fpsIsRange: Bool

    /// "30, 25, 15 fps", "5-30 fps", or "" when the camera reports no rates.
    public var ratesDescription: String {
        fps.isEmpty ? "" : fps.map(fpsText).joined(separator: fpsIsRange ? "-" : ", ") + " fps"
    }
}

/// Any size from min to max in steps (a stepwise or continuous V4L2 frame size).
public struct CameraSizeRange: Sendable, Codable, Equatable {
    public var minWidth: Int, maxWidth: Int, stepWidth: Int
    public var minHeight: Int, maxHeight: Int, stepHeight: Int
}
