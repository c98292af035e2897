import CV4L2
import Foundation

/// libv4lconvert on one open device: picks the camera format to convert from and turns its frames into BGR.
///
/// Used directly rather than through libv4l2 (which wraps the same converter) so that the camera's own
/// format can be chosen and reported: libv4l2 hides which format it converts from, and passes a camera's
/// native BGR straight through, so neither a user nor a test could make it convert from YUYV or MJPEG.
final class FormatConverter {
    private let device: V4L2Device  // held so the descriptor outlives the converter using it
    private let data: OpaquePointer

    init(device: V4L2Device) throws(CameraError) {
        guard let data = v4lconvert_create(device.fd) else {
            throw .failed(path: device.path, operation: "v4lconvert_create", reason: errorText(errno))
        }
        self.device = device
        self.data = data
    }

    deinit { v4lconvert_destroy(data) }

    /// The camera format libv4lconvert converts from best to give BGR near this size, and the BGR format
    /// it then delivers. The rate matters: above the bus bandwidth it prefers a compressed format.
    func bestSource(width: Int, height: Int, fps: Int) throws(CameraError) -> (source: v4l2_format, target: v4l2_format) {
        var target = captureFormat(width: width, height: height, pixelFormat: CV4L2_PIX_FMT_BGR24)
        var source = v4l2_format()
        v4lconvert_set_fps(data, Int32(fps))
        guard v4lconvert_try_format(data, &target, &source) == 0, target.fmt.pix.pixelformat == CV4L2_PIX_FMT_BGR24 else {
            throw .unsupported(path: device.path, reason: "none of its formats (\(device.offeredFourCCs())) converts to BGR")
        }
        return (source, target)
    }

    /// Converts one frame of `source` into `target` (BGR24) bytes. Nil for a frame libv4lconvert finds
    /// corrupt or short (it says so with EAGAIN or EPIPE, as libv4l2 relies on): an MJPEG camera sends
    /// one now and then, and the next frame is fine. Any other failure means the format cannot be converted.
    func convert(_ frame: UnsafeMutableRawBufferPointer, source: v4l2_format, target: v4l2_format) throws(CameraError) -> [UInt8]? {
        var source = source, target = target
        let size = Int(target.fmt.pix.width) * Int(target.fmt.pix.height) * 3
        guard let input = frame.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var failure: Int32 = 0
        let pixels = [UInt8](unsafeUninitializedCapacity: size) { out, count in
            let written = v4lconvert_convert(data, &source, &target, input, Int32(frame.count), out.baseAddress, Int32(size))
            count = written == Int32(size) ? size : 0
            if count == 0 { failure = written < 0 ? errno : EPIPE }
        }
        if failure == 0 { return pixels }
        if failure == EAGAIN || failure == EPIPE { return nil }
        throw .unsupported(path: device.path, reason: "libv4lconvert cannot convert its \(FourCC.string(source.fmt.pix.pixelformat)) frames: \(lastError)")
    }

    /// libv4lconvert's reason for the last failed conversion.
    var lastError: String {
        String(cString: v4lconvert_get_error_message(data)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A single-planar capture format of this size and pixel format, as VIDIOC_S_FMT and libv4lconvert take it.
func captureFormat(width: Int, height: Int, pixelFormat: UInt32) -> v4l2_format {
    var format = v4l2_format()
    format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
    format.fmt.pix.width = UInt32(width)
    format.fmt.pix.height = UInt32(height)
    format.fmt.pix.pixelformat = pixelFormat
    format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
    return format
}
