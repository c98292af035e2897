import Foundation
import GreeterCore

/// `enrol NAME --from-camera`: watches the camera (or a video) and talks the person through it until it has the
/// photos, then saves them as crops in gallery/NAME/. Like Howdy's `add`.
struct CameraEnrolment {
    let common: CommonOptions
    let place: PlaceOptions
    let config: Config
    let editor: GalleryEditor
    let name: String
    let photos: Int
    let source: String?

    /// A camera session that has not got its photos by then ends with what it has.
    static let cameraSeconds = 90.0

    func run() throws {
        let analyzer = try common.analyzer(config)
        let (gallery, _) = try place.scannedGallery(common, config, analyzer: analyzer)
        let frames = try open()
        defer { frames.close() }
        say("\(frames.description): look at the camera, \(PersonName.fromFile(name))")
        var shots = EnrolmentShots(minFaceSize: config.gallery.minFaceSize)
        var lastHint = ""
        var checked = 0
        // Each new shot is judged as the gallery will judge it, at once: nobody should pose for a refusal.
        func checkNew() throws {
            for shot in shots.kept.dropFirst(checked) {
                if let problem = gallery.refusal(of: try crop(shot), as: name) {
                    throw Failure("not enrolled as \(name): \(problem)")
                }
            }
            checked = shots.kept.count
        }
        let start = MonotonicClock.now()
        // A file ends by itself; a camera is given a time.
        let isFile = source.map { !$0.hasPrefix("/dev/") } ?? false
        while shots.kept.count < photos, isFile || MonotonicClock.now() - start < Self.cameraSeconds {
            guard let frame = try frames.next() else { break }
            let faces = try analyzer.analyze(frame.image, detection: config.detectorSettings, aligner: config.aligner)
            let look = try shots.look(at: frame.image, faces: faces, time: frame.time)
            var hint = look.hint
            if case .kept(let count) = look { hint = "got \(count)/\(photos)" }
            if hint != lastHint { say(hint) }
            lastHint = hint
            try checkNew()
        }
        if shots.kept.count < photos {
            shots.finish()
            try checkNew()
        }
        guard !shots.kept.isEmpty else { throw Failure("\(frames.description): no usable face of \(name) seen") }
        let stamp = Self.stamp(Date())
        for (index, shot) in shots.kept.prefix(photos).enumerated() {
            let path = try editor.addPhoto(try crop(shot), of: name, as: "camera-\(stamp)-\(index + 1).jpg")
            print(String(format: "%@/%@ (quality %.2f)", config.gallery.directory, path, shot.quality.score))
        }
        if shots.kept.count < photos { say("got \(shots.kept.count) of the \(photos) photos asked for") }
    }

    private func open() throws -> any FrameSource {
        if let source, !source.hasPrefix("/dev/") { return try FileSource(path: source, realTime: false) }
        let camera = config.camera
        return try V4L2Camera(device: source ?? camera.device, width: camera.width, height: camera.height, fps: camera.fps)
    }

    private func crop(_ shot: EnrolmentShots.Shot) throws -> [UInt8] {
        try ImageFile.jpeg(try shot.image.faceCrop(around: shot.face.box), quality: 92)
    }

    /// Guidance goes to the terminal (stderr), so stdout lists only the photos saved.
    private func say(_ line: String) { printError(line) }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }
}
