import CV4L2
import Glibc

/// The driver's ring of memory-mapped frame buffers, streaming from `init` until released.
final class MappedBuffers {
    private let device: V4L2Device  // held so the descriptor outlives the mappings
    private let regions: [UnsafeMutableRawBufferPointer]

    init(device: V4L2Device, count: Int) throws(CameraError) {
        self.device = device
        var request = v4l2_requestbuffers()
        request.count = UInt32(count)
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try device.control(CV4L2_VIDIOC_REQBUFS, "VIDIOC_REQBUFS", &request)
        guard request.count >= 2 else {
            throw .failed(path: device.path, operation: "VIDIOC_REQBUFS", reason: "the driver gave \(request.count) buffers, streaming needs 2")
        }
        var mapped: [UnsafeMutableRawBufferPointer] = []
        do throws(CameraError) {
            for index in 0..<request.count {
                var buffer = Self.buffer(index)
                try device.control(CV4L2_VIDIOC_QUERYBUF, "VIDIOC_QUERYBUF", &buffer)
                let length = Int(buffer.length)
                let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, device.fd, off_t(buffer.m.offset))
                guard let address, address != MAP_FAILED else {
                    throw .failed(path: device.path, operation: "mmap", reason: errorText(errno))
                }
                mapped.append(UnsafeMutableRawBufferPointer(start: address, count: length))
                try device.control(CV4L2_VIDIOC_QBUF, "VIDIOC_QBUF", &buffer)
            }
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            try device.control(CV4L2_VIDIOC_STREAMON, "VIDIOC_STREAMON", &type)
        } catch {
            for region in mapped { munmap(region.baseAddress, region.count) }
            throw error
        }
        regions = mapped
    }

    deinit {
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        _ = device.attempt(CV4L2_VIDIOC_STREAMOFF, &type)  // fails only if the device is gone: nothing to stop then
        for region in regions { munmap(region.baseAddress, region.count) }
    }

    /// The next filled buffer, or nil if none is ready yet. Give it back with `requeue` once read.
    func dequeue() throws(CameraError) -> v4l2_buffer? {
        var buffer = Self.buffer(0)
        let err = device.attempt(CV4L2_VIDIOC_DQBUF, &buffer)
        if err == EAGAIN { return nil }
        if err != 0 { throw .lost(path: device.path, reason: "VIDIOC_DQBUF: \(errorText(err))") }
        return buffer
    }

    /// The filled part of a dequeued buffer.
    func bytes(of buffer: v4l2_buffer) -> UnsafeMutableRawBufferPointer {
        let region = regions[Int(buffer.index)]
        return UnsafeMutableRawBufferPointer(rebasing: region[0..<min(Int(buffer.bytesused), region.count)])
    }

    func requeue(_ buffer: v4l2_buffer) throws(CameraError) {
        var buffer = buffer
        let err = device.attempt(CV4L2_VIDIOC_QBUF, &buffer)
        if err != 0 { throw .lost(path: device.path, reason: "VIDIOC_QBUF: \(errorText(err))") }
    }

    private static func buffer(_ index: UInt32) -> v4l2_buffer {
        var buffer = v4l2_buffer()
        buffer.index = index
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        return buffer
    }
}
