import CV4L2
import Glibc

/// A V4L2 camera (a path such as `/dev/video0` or `/dev/v4l/by-id/...`) streaming through mmap buffers,
/// every frame converted to BGR by libv4lconvert.
///
/// The requested size and rate are negotiated with the driver and what it actually gave is in `description`.
/// Opening fails with a `CameraError` a user can act on; once streaming, an unplugged or silent camera makes
/// `next()` throw `CameraError.lost` (wrap it in `ReconnectingSource` to carry on).
public final class V4L2Camera: FrameSource {
    public let description: String
    private let path: String
    private let frameTimeout: Double
    private let source: v4l2_format
    private let target: v4l2_format
    private var stream: (device: V4L2Device, converter: FormatConverter, buffers: MappedBuffers)?
    private var index = 0
    /// The frame read while opening, handed out by the first `next()`.
    private var first: Frame?

    /// - Parameters:
    ///   - cameraFormat: the camera's own pixel format to convert from ("YUYV", "MJPG", ...); nil lets
    ///     libv4lconvert choose, as libv4l2 would.
    ///   - frameTimeout: seconds without a frame after which the camera counts as lost.
    public init(device path: String, width: Int = 640, height: Int = 480, fps: Int = 30,
                cameraFormat: String? = nil, frameTimeout: Double = 2) throws(CameraError) {
        self.path = path
        self.frameTimeout = frameTimeout
        let device = try V4L2Device(path: path)
        let (caps, node) = try device.capabilities()
        guard node & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0 else {
            throw .notCapture(path: path, reason: "\(String(cArray: caps.driver)) \"\(String(cArray: caps.card))\" has no single-planar capture")
        }
        guard node & UInt32(V4L2_CAP_STREAMING) != 0 else {
            throw .notCapture(path: path, reason: "it cannot stream (no V4L2_CAP_STREAMING)")
        }
        let converter = try FormatConverter(device: device)
        let (source, target) = try Self.setFormat(on: device, converter: converter, width: width, height: height,
                                                  fps: fps, cameraFormat: cameraFormat)
        let rate = Self.setRate(fps, on: device)
        let buffers = try MappedBuffers(device: device, count: 4)

        self.source = source
        self.target = target
        stream = (device, converter, buffers)
        description = Self.describe(path: path, card: String(cArray: caps.card), requested: (width, height, fps),
                                    source: source, target: target, rate: rate)
        // Only a frame shows the camera works and its format converts: find out now, as an error at opening,
        // rather than as a loss later. Cameras may take a few seconds to start (exposure settling).
        first = try read(timeout: max(frameTimeout, 5))
    }

    deinit { close() }

    public func next() throws -> Frame? {
        if let frame = first {
            first = nil
            return frame
        }
        return stream == nil ? nil : try read(timeout: frameTimeout)
    }

    /// Waits up to `timeout` seconds for a frame that converts, skipping corrupt ones (but a camera that
    /// sends nothing else cannot be used).
    private func read(timeout: Double) throws(CameraError) -> Frame {
        guard let stream else { throw .lost(path: path, reason: "closed") }
        let deadline = MonotonicClock.now() + timeout
        var rejected = 0
        while true {
            let remaining = deadline - MonotonicClock.now()
            var poller = pollfd(fd: stream.device.fd, events: Int16(POLLIN), revents: 0)
            let ready = remaining > 0 ? poll(&poller, 1, Int32((remaining * 1000).rounded(.up))) : 0
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw .lost(path: path, reason: "poll: \(errorText(errno))") }
            if ready == 0 { throw .lost(path: path, reason: "no frame for \(timeout) s") }
            guard let buffer = try stream.buffers.dequeue() else {
                if poller.revents & Int16(POLLERR | POLLHUP) != 0 {
                    throw .lost(path: path, reason: "the device reported an error (unplugged?)")
                }
                continue
            }
            let pixels = buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0 ? nil
                : try stream.converter.convert(stream.buffers.bytes(of: buffer), source: source, target: target)
            try stream.buffers.requeue(buffer)
            guard let pixels else {
                rejected += 1
                if rejected >= 30 {
                    throw .unsupported(path: path, reason: "30 corrupt \(FourCC.string(source.fmt.pix.pixelformat)) frames in a row: \(stream.converter.lastError)")
                }
                continue
            }
            defer { index += 1 }
            let image = Image(width: Int(target.fmt.pix.width), height: Int(target.fmt.pix.height), pixels: pixels)
            return Frame(image: image, time: Self.captureTime(buffer), index: index)
        }
    }

    public func close() {
        stream = nil  // stops streaming, unmaps, destroys the converter, closes the device, in that order
    }

    /// Sets the camera's format (`cameraFormat`, or the one libv4lconvert converts from best) near the
    /// requested size; returns it and the BGR format its frames are converted to.
    private static func setFormat(on device: V4L2Device, converter: FormatConverter, width: Int, height: Int,
                                  fps: Int, cameraFormat: String?) throws(CameraError) -> (source: v4l2_format, target: v4l2_format) {
        var source: v4l2_format, target: v4l2_format
        if let cameraFormat {
            guard let code = FourCC.code(cameraFormat) else {
                throw .unsupported(path: device.path, reason: "camera format \"\(cameraFormat)\" is not a four-character code like YUYV or MJPG")
            }
            source = captureFormat(width: width, height: height, pixelFormat: code)
            target = captureFormat(width: width, height: height, pixelFormat: CV4L2_PIX_FMT_BGR24)
        } else {
            (source, target) = try converter.bestSource(width: width, height: height, fps: fps)
        }
        let chosen = source
        try device.control(CV4L2_VIDIOC_S_FMT, "VIDIOC_S_FMT", &source)
        guard source.fmt.pix.pixelformat == chosen.fmt.pix.pixelformat else {
            throw .unsupported(path: device.path, reason: "it does not offer \(FourCC.string(chosen.fmt.pix.pixelformat)) (it offers \(device.offeredFourCCs()))")
        }
        // Convert at the size the driver gave (it rounds to what it offers), except where libv4lconvert
        // chose a larger camera size itself in order to crop it.
        if source.fmt.pix.width != chosen.fmt.pix.width || source.fmt.pix.height != chosen.fmt.pix.height || cameraFormat != nil {
            target.fmt.pix.width = source.fmt.pix.width
            target.fmt.pix.height = source.fmt.pix.height
        }
        v4lconvert_fixup_fmt(&target)
        return (source, target)
    }

    /// Asks for `fps` frames per second; returns the rate the driver reports, nil if it reports none.
    private static func setRate(_ fps: Int, on device: V4L2Device) -> Double? {
        var parm = v4l2_streamparm()
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        if device.attempt(CV4L2_VIDIOC_G_PARM, &parm) != 0 { return nil }
        if parm.parm.capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0 {
            parm.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(max(fps, 1)))
            // A refusal leaves the driver's rate, which G_PARM below reports honestly.
            _ = device.attempt(CV4L2_VIDIOC_S_PARM, &parm)
            _ = device.attempt(CV4L2_VIDIOC_G_PARM, &parm)
        }
        let interval = parm.parm.capture.timeperframe
        return interval.numerator > 0 && interval.denominator > 0 ? Double(interval.denominator) / Double(interval.numerator) : nil
    }

    /// The driver's timestamp when it is on CLOCK_MONOTONIC (MonotonicClock's clock), else the time of dequeueing.
    private static func captureTime(_ buffer: v4l2_buffer) -> Double {
        let stamp = Double(buffer.timestamp.tv_sec) + Double(buffer.timestamp.tv_usec) / 1e6
        let monotonic = buffer.flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) == UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
        return monotonic && stamp > 0 ? stamp : MonotonicClock.now()
    }

    /// e.g. `/dev/video0 "vivid": requested 640x480@30, got 640x360@30 BGR3 (converted by libv4lconvert from YUYV)`
    private static func describe(path: String, card: String, requested: (Int, Int, Int),
                                 source: v4l2_format, target: v4l2_format, rate: Double?) -> String {
        let node = realPath(path).map { $0 == path ? "" : " (\($0))" } ?? ""
        let size = "\(target.fmt.pix.width)x\(target.fmt.pix.height)"
        let got = "\(size)@\(rate.map(fpsText) ?? "?") \(FourCC.string(target.fmt.pix.pixelformat))"
        let sourceSize = "\(source.fmt.pix.width)x\(source.fmt.pix.height)"
        let origin = source.fmt.pix.pixelformat == target.fmt.pix.pixelformat ? "native"
            : "converted by libv4lconvert from \(FourCC.string(source.fmt.pix.pixelformat))\(sourceSize == size ? "" : " \(sourceSize)")"
        return "\(path)\(node) \"\(card)\": requested \(requested.0)x\(requested.1)@\(requested.2), got \(got) (\(origin))"
    }
}

/// A frame rate as people write it: 30, 29.97.
func fpsText(_ fps: Double) -> String {
    let rounded = (fps * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

/// The path with symlinks resolved (`/dev/v4l/by-id/...` → `/dev/video0`), nil if it does not exist.
func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}
