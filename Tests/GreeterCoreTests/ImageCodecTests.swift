import Foundation
import GreeterCore
import Testing

/// Photos decoded by libjpeg-turbo, libpng and libwebp, videos by an ffmpeg child: strict about damaged files,
/// and none of imgcodecs' or videoio's libraries in the process.
@Suite struct ImageCodecTests {
    func halfOf(_ example: String, in folder: String, as name: String) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(RealData.examples)/\(example)"))
        let path = "\(folder)/\(name)"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// libjpeg only warns about a JPEG that ends early: that warning is an error here, with libjpeg's words.
    @Test(arguments: [("obama.jpg", "Premature end of JPEG file"), ("lin-manuel-miranda.png", "truncated PNG")])
    func aPhotoCutInHalfIsRefusedAsTruncated(example: String, reason: String) throws {
        let folder = RealData.scratch("codec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try halfOf(example, in: folder, as: example)
        let error = try #require(throws: ImageFile.Problem.self) { try ImageFile.read(path) }
        #expect(error.description.contains("truncated"), "\(error)")
        #expect(error.description.contains(reason), "\(error)")
    }

    @Test func theGalleryRefusesAHalfWrittenPhotoWithThatReason() throws {
        let folder = RealData.scratch("codec-gallery")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try halfOf("obama.jpg", in: folder, as: "obama.jpg")
        try FileManager.default.copyItem(atPath: "\(RealData.examples)/biden.jpg", toPath: "\(folder)/biden.jpg")
        let report = try Gallery(directory: folder, analyzer: RealData.analyzer, settings: Gallery.Settings(),
                                 cachePath: nil).scan()
        #expect(report.people.map(\.name) == ["Biden"])
        #expect(report.rejections.map(\.file) == ["obama.jpg"])
        #expect(report.rejections.first?.reason.contains("truncated") == true, "\(report.rejections)")
    }

    @Test func writtenJPEGAndPNGReadBack() throws {
        let folder = RealData.scratch("codec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let photo = try RealData.image("\(RealData.examples)/obama.jpg")
        try ImageFile.write(photo, to: "\(folder)/a.png")
        try ImageFile.write(photo, to: "\(folder)/a.jpg")
        let png = try ImageFile.read("\(folder)/a.png")
        #expect(png.width == photo.width && png.pixels == photo.pixels)
        let jpeg = try ImageFile.read("\(folder)/a.jpg")
        #expect(jpeg.width == photo.width && jpeg.height == photo.height)
        let error = try #require(throws: (any Error).self) { try ImageFile.write(photo, to: "\(folder)/a.tif") }
        #expect("\(error)".contains("only .jpg, .jpeg and .png"), "\(error)")
    }

    @Test func aVideoIsReadThroughFFmpegAtItsSizeAndRate() throws {
        let source = try FileSource(path: RealData.datasets + "/videos/short_hamilton_clip.mp4", realTime: false)
        #expect(source.description.contains("29.97 fps, 275 frames"), "\(source.description)")
        var frames = 0
        while let frame = try source.next() {
            #expect(frame.image.width == 640 && frame.image.height == 360)
            frames += 1
        }
        #expect(frames == 275)
        #expect(try source.next() == nil)
    }

    /// ffmpeg sends RGB; frames come out BGR, the first (copied from the bridge's buffer) as the later ones.
    @Test func aVideosFramesAreBGR() throws {
        let folder = RealData.scratch("codec-bgr")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/red.mp4"
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        ffmpeg.arguments = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=64x48:r=10", "-frames:v", "3",
                            "-pix_fmt", "yuv444p", "-c:v", "libx264", "-qp", "0", path]
        try ffmpeg.run()
        ffmpeg.waitUntilExit()
        #expect(ffmpeg.terminationStatus == 0)
        let source = try FileSource(path: path, realTime: false)
        var frames = 0
        while let frame = try source.next() {
            let (b, g, r) = (frame.image.pixels[0], frame.image.pixels[1], frame.image.pixels[2])
            #expect(b < 10 && g < 10 && r > 245, "frame \(frames): BGR \(b), \(g), \(r)")
            frames += 1
        }
        #expect(frames == 3)
    }

    @Test func aFileThatIsNoVideoIsRefusedWithFFmpegsReason() throws {
        let folder = RealData.scratch("codec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/clip.mp4"
        try Data("not a video at all".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: FileSource.Problem.self) { try FileSource(path: path) }
        #expect(error.description.contains("not a video"), "\(error)")
    }

    /// After decoding a photo and reading a video, the process has mapped none of the libraries that OpenCV's
    /// imgcodecs and videoio brought (GDAL, GStreamer, FFmpeg's libav*).
    @Test func decodingMapsNoneOfImgcodecsOrVideoioLibraries() throws {
        _ = try RealData.image("\(RealData.examples)/obama.jpg")
        _ = try RealData.image("\(RealData.examples)/lin-manuel-miranda.png")
        let source = try FileSource(path: RealData.datasets + "/videos/short_hamilton_clip.mp4", realTime: false)
        _ = try source.next()
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        for library in ["libgdal", "libgst", "libavcodec", "libavformat", "libopencv_imgcodecs", "libopencv_videoio"] {
            #expect(!maps.contains(library), "\(library) is mapped")
        }
    }
}
