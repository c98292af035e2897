import CV4L2
import Glibc

/// An open V4L2 device node: its file descriptor, and ioctls that throw `CameraError`s naming the device.
/// Closes the descriptor when released, so a half-opened camera cleans up on any error path.
final class V4L2Device {
    let path: String
    let fd: Int32

    init(path: String) throws(CameraError) {
        self.path = path
        // Non-blocking: waiting for a frame is done with poll() and a timeout, never inside DQBUF.
        fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw V4L2Device.error(errno, path: path, operation: "open") }
    }

    deinit { Glibc.close(fd) }

    /// Runs one ioctl; any failure becomes the matching `CameraError`.
    func control(_ request: UInt, _ name: String, _ argument: UnsafeMutableRawPointer) throws(CameraError) {
        let err = attempt(request, argument)
        if err != 0 { throw V4L2Device.error(err, path: path, operation: name) }
    }

    /// Runs one ioctl and returns errno (0 on success), for enumerations that end with EINVAL.
    func attempt(_ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32 {
        cv4l2_ioctl(fd, request, argument) == 0 ? 0 : errno
    }

    /// The node's own capabilities (a multi-node driver reports the union in `capabilities`).
    func capabilities() throws(CameraError) -> (caps: v4l2_capability, node: UInt32) {
        var caps = v4l2_capability()
        let err = attempt(CV4L2_VIDIOC_QUERYCAP, &caps)
        if err == ENOTTY || err == EINVAL { throw .notCapture(path: path, reason: "not a V4L2 device") }
        if err != 0 { throw V4L2Device.error(err, path: path, operation: "VIDIOC_QUERYCAP") }
        let node = caps.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? caps.device_caps : caps.capabilities
        return (caps, node)
    }

    /// Maps an errno from opening or configuring a device onto the error a user can act on.
    static func error(_ err: Int32, path: String, operation: String) -> CameraError {
        switch err {
        case ENOENT, ENXIO, ENODEV: .noDevice(path: path)
        case EACCES, EPERM: .noPermission(path: path)
        case EBUSY: .busy(path: path)
        default: .failed(path: path, operation: operation, reason: errorText(err))
        }
    }
}

/// strerror as a Swift string.
func errorText(_ err: Int32) -> String { String(cString: strerror(err)) }

/// Four-character codes of V4L2 pixel formats ("YUYV", "MJPG") to and from their numbers.
enum FourCC {
    static func string(_ code: UInt32) -> String {
        let bigEndian: UInt32 = 1 << 31  // V4L2_PIX_FMT_FLAG_BE_FOURCC, as in "Y16 -BE"
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: (code & ~bigEndian) >> (8 * $0)) }
        return String(decoding: bytes, as: UTF8.self).trimmingSuffixSpaces() + (code & bigEndian != 0 ? "-BE" : "")
    }

    static func code(_ text: String) -> UInt32? {
        let bytes = Array(text.utf8)
        guard (1...4).contains(bytes.count) else { return nil }
        let padded = bytes + [UInt8](repeating: 0x20, count: 4 - bytes.count)
        return padded.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }
}

extension String {
    /// Reads a NUL-terminated fixed-size C char array (imported as a tuple), e.g. `v4l2_capability.card`.
    init<T>(cArray: T) {
        self = withUnsafeBytes(of: cArray) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    fileprivate func trimmingSuffixSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
