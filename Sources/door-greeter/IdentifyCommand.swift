import ArgumentParser
import Foundation
import GreeterCore

struct IdentifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Say who is in each photo, with distances to the gallery.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Photos to look at.", valueName: "PHOTO"))
    var photos: [String]

    @Option(help: ArgumentHelp("Gallery folder. Default: the config's gallery.directory.", valueName: "DIR"))
    var gallery: String?

    @Flag(help: "Find faces as the daemon does in camera frames (detection.min_face_size), not down to 20 px as in photos.")
    var cameraDetection = false

    @Option(help: ArgumentHelp("Write each photo with boxes, landmarks and names drawn into this folder.", valueName: "OUT"))
    var annotate: String?

    func run() throws {
        let config = try common.loadConfig()
        let analyzer = try common.analyzer(config)
        let report = try GalleryLoader(common: common, config: config, directory: gallery, cache: nil, noCache: false)
            .load(analyzer: analyzer)
        if let annotate { try FileManager.default.createDirectory(atPath: annotate, withIntermediateDirectories: true) }
        let detection = cameraDetection ? config.detectorSettings : config.photoDetectorSettings
        var results: [PhotoResult] = []
        var failed = false
        for path in photos {
            do {
                let image = try ImageFile.read(path, maxPixels: config.gallery.maxImagePixels)
                let faces = try analyzer.analyze(image, detection: detection, aligner: config.aligner)
                let matches = faces.map { report.matcher.match($0.embedding, settings: config.matcherSettings) }
                results.append(PhotoResult(photo: path, faces: zip(faces, matches).map(FaceResult.init)))
                if let annotate { try writeAnnotated(image, faces: faces, matches: matches, path: path, folder: annotate) }
            } catch {
                failed = true
                results.append(PhotoResult(photo: path, faces: [], error: "\(error)"))
            }
        }
        if common.json { try printJSON(results) } else { results.forEach { print($0.text) } }
        if failed { throw ExitCode(1) }
    }

    private func writeAnnotated(_ image: Image, faces: [FaceAnalyzer.Face], matches: [Matcher.Match], path: String,
                                folder: String) throws {
        var canvas = image
        let scale = max(0.5, Double(max(image.width, image.height)) / 1000)
        for (face, match) in zip(faces, matches) {
            let color: Image.Color = match.name == nil ? .unknown : .known
            canvas.drawRectangle(face.detection.box, color: color, thickness: max(2, Int(scale * 2)))
            for point in face.detection.landmarks.all {
                canvas.drawDot(point, radius: max(2, Int(scale * 2)), color: .landmark)
            }
            let label = (match.name ?? match.verdict.rawValue) + (match.best.map { " \($0.distance.formatted)" } ?? "")
            canvas.drawLabel(label, at: Point(x: face.detection.box.x, y: max(20, face.detection.box.y - 6)),
                             scale: 0.6 * scale, color: .white)
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        try ImageFile.write(canvas, to: "\(folder)/\(name).annotated.jpg")
    }
}

struct FaceResult: Encodable {
    let box: Rect
    let score: Float
    let landmarks: Landmarks
    let match: Matcher.Match

    init(_ face: FaceAnalyzer.Face, _ match: Matcher.Match) {
        box = face.detection.box
        score = face.detection.score
        landmarks = face.detection.landmarks
        self.match = match
    }
}

struct PhotoResult: Encodable {
    let photo: String
    let faces: [FaceResult]
    var error: String?

    var text: String {
        if let error { return "\(photo): error: \(error)" }
        if faces.isEmpty { return "\(photo): no face found" }
        let lines = faces.map { face -> String in
            let m = face.match
            let where_ = "at \(Int(face.box.x)),\(Int(face.box.y)) \(Int(face.box.width))x\(Int(face.box.height))"
            let second = m.second.map { ", next \($0.name) \($0.distance.formatted)" } ?? ""
            switch m.verdict {
            case .known: return "  \(m.best!.name) (distance \(m.best!.distance.formatted)\(second)) \(where_)"
            case .ambiguous: return "  ambiguous: \(m.best!.name) \(m.best!.distance.formatted)\(second) \(where_)"
            case .unknown:
                let nearest = m.best.map { " (nearest \($0.name) \($0.distance.formatted)\(m.reason.map { "; \($0)" } ?? ""))" }
                    ?? " (empty gallery)"
                return "  unknown\(nearest) \(where_)"
            }
        }
        return "\(photo): \(faces.count) face\(faces.count == 1 ? "" : "s")\n" + lines.joined(separator: "\n")
    }
}
