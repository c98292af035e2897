import ArgumentParser
import Foundation
import GreeterCore
import Logging

/// `door-greeter capture-check`: streams frames from a camera through the daemon's own capture path
/// (V4L2Camera inside ReconnectingSource) and prints what was negotiated and what each frame holds, so a
/// test can check real content, not just a frame count. Hidden: it is for tests and for diagnosing cameras.
struct CaptureCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture-check",
        abstract: "Stream frames from a camera and print the negotiated format and per-frame statistics.",
        shouldDisplay: false
    )

    @Option(help: "Camera device, e.g. /dev/video0 or /dev/v4l/by-id/...")
    var device: String
    @Option var width = 640
    @Option var height = 480
    @Option var fps = 30
    @Option(help: "The camera's own pixel format to convert from (e.g. YUYV, MJPG); default: libv4lconvert's choice.")
    var cameraFormat: String?
    @Option(help: "Frames to read (across reconnections).")
    var frames: Int
    @Option(help: "Seconds without a frame before the camera counts as lost.")
    var timeout: Double = 2
    @Option(help: "Folder to write the last frame to, as a PPM file.")
    var save: String?

    func validate() throws {
        guard frames > 0 else { throw ValidationError("--frames must be at least 1, got \(frames)") }
        guard width > 0, height > 0, fps > 0 else { throw ValidationError("--width, --height and --fps must be positive") }
    }

    func run() throws {
        let logger = Logger(label: "door-greeter.capture") { StreamLogHandler.standardError(label: $0) }
        let (device, width, height, fps, cameraFormat, timeout) = (device, width, height, fps, cameraFormat, timeout)
        let camera = try ReconnectingSource(logger: logger) {
            try V4L2Camera(device: device, width: width, height: height, fps: fps, cameraFormat: cameraFormat, frameTimeout: timeout)
        }
        defer { camera.close() }
        print("format: \(camera.description)")
        var previous: Image?
        var last: Image?
        while let frame = try camera.next() {
            let image = frame.image
            let change = previous.map { Self.meanDifference($0, image) }.map { String(format: " change %.1f", $0) } ?? ""
            print(String(format: "frame %d: %dx%d mean %.1f", frame.index, image.width, image.height, Self.mean(image)) + change)
            fflush(nil)  // a test reads the lines while frames still arrive
            (previous, last) = (image, image)
            if frame.index + 1 >= frames { break }
        }
        if let save, let last {
            let file = URL(fileURLWithPath: save).appendingPathComponent("\(URL(fileURLWithPath: device).lastPathComponent).ppm")
            try Self.ppm(last).write(to: file)
            print("saved \(file.path)")
        }
    }

    /// Mean of all bytes: says whether the picture is black, grey or bright.
    private static func mean(_ image: Image) -> Double {
        Double(image.pixels.reduce(0) { $0 + Int($1) }) / Double(image.pixels.count)
    }

    /// Mean absolute byte difference between two frames of one size: says whether the picture moves.
    private static func meanDifference(_ a: Image, _ b: Image) -> Double {
        guard a.pixels.count == b.pixels.count else { return .nan }
        let total = zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(a.pixels.count)
    }

    /// Binary PPM (P6), RGB order.
    private static func ppm(_ image: Image) -> Data {
        var data = Data("P6\n\(image.width) \(image.height)\n255\n".utf8)
        data.reserveCapacity(data.count + image.pixels.count)
        for pixel in stride(from: 0, to: image.pixels.count, by: 3) {
            data.append(contentsOf: [image.pixels[pixel + 2], image.pixels[pixel + 1], image.pixels[pixel]])
        }
        return data
    }
}
