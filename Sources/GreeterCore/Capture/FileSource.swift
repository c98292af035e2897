import CVisionBridge
import Foundation

/// Frames from a video file or a folder of images, for tests and for trying door-greeter without a camera.
/// Paced at the file's frame rate by default, as a camera would deliver them; `realTime: false` reads as fast
/// as the pipeline takes them (frames are then never dropped).
public final class FileSource: FrameSource {
    public let description: String
    private let realTime: Bool
    private let frameInterval: Double
    private var video: OpaquePointer?
    private var images: [String]
    private var index = 0
    private var start: Double?
    private var lastSize = 0
    private let onBadFrame: (String) -> Void

    public struct Problem: Error, CustomStringConvertible, Sendable { public let description: String }

    /// `fps` applies to an image folder (a video has its own rate). An image of the folder that cannot be read
    /// is skipped and told to `onBadFrame` (its path and why): one bad frame does not end the run.
    public init(path: String, realTime: Bool = true, fps: Double = 30,
                onBadFrame: @escaping (String) -> Void = { _ in }) throws {
        self.realTime = realTime
        self.onBadFrame = onBadFrame
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw Problem(description: "source \(path) does not exist")
        }
        if isFolder.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted().filter {
                GalleryFiles.imageExtensions.contains(($0 as NSString).pathExtension.lowercased())
            }
            guard !names.isEmpty else { throw Problem(description: "source folder \(path) holds no images") }
            images = names.map { (path as NSString).appendingPathComponent($0) }
            frameInterval = 1 / fps
            description = "\(path): \(names.count) images at \(fps) fps" + (realTime ? "" : ", as fast as possible")
        } else {
            // ffmpeg would block opening a FIFO for good: only a regular file is a video.
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                throw Problem(description: "source \(path) is \(FileBytes.fileKind(info.st_mode)), not a video file")
            }
            guard let video = cvb_video_open(path) else {
                throw Problem(description: "source \(path): \(String(cString: cvb_last_error()))")
            }
            self.video = video
            images = []
            let rate = cvb_video_fps(video)
            frameInterval = rate > 0 ? 1 / rate : 1 / fps
            let frames = cvb_video_frame_count(video)
            description = "\(path): video at \(String(format: "%.2f", 1 / frameInterval)) fps"
                + (frames > 0 ? ", \(frames) frames" : "") + (realTime ? "" : ", as fast as possible")
        }
    }

    deinit { close() }

    public func next() throws -> Frame? {
        guard let image = try read() else { return nil }
        let now = MonotonicClock.now()
        let start = self.start ?? now
        self.start = start
        let due = start + Double(index) * frameInterval
        if realTime, due > now { usleep(useconds_t((due - now) * 1e6)) }
        defer { index += 1 }
        return Frame(image: image, time: realTime ? max(due, now) : now, index: index)
    }

    private func read() throws -> Image? {
        if let video {
            // Decoded straight into the new image's storage, sized like the previous frame.
            var (width, height): (Int32, Int32) = (0, 0)
            var status: Int32 = 0
            var pixels = [UInt8](unsafeUninitializedCapacity: lastSize) { buffer, count in
                status = cvb_video_read(video, buffer.baseAddress, buffer.count, &width, &height)
                count = status == 1 && Int(width) * Int(height) * 3 <= buffer.count ? Int(width) * Int(height) * 3 : 0
            }
            guard status >= 0 else { throw Problem(description: "\(description): \(String(cString: cvb_last_error()))") }
            guard status == 1 else { return nil }
            let size = Int(width) * Int(height) * 3
            if pixels.count != size {
                lastSize = size
                pixels = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                    status = cvb_video_copy_frame(video, buffer.baseAddress)
                    count = size
                }
                guard status == 0 else { throw Problem(description: "\(description): \(String(cString: cvb_last_error()))") }
            }
            return Image(width: Int(width), height: Int(height), pixels: pixels)
        }
        while index < images.count {
            do { return try ImageFile.read(images[index]) } catch {
                onBadFrame("\(images[index]): \(error)")
                index += 1
            }
        }
        return nil
    }

    public func close() {
        if let video { cvb_video_close(video) }
        video = nil
    }
}

/// Seconds on the monotonic clock: the one time base of frames, tracks and visits.
public enum MonotonicClock {
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
