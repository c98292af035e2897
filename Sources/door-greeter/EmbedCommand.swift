import ArgumentParser
import GreeterCore

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the 128-d SFace embedding of every face in each photo, for use by other tools.",
        discussion: """
            Faces are found as `eval` and enrolment find them in photos (down to 20 px), so a photo gives the same \
            embedding here as there. A photo that cannot be read is named on stderr and skipped; the exit status is \
            1 when any was.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Photos to embed.", valueName: "PHOTO"))
    var photos: [String]

    struct Output: Encodable {
        let photo: String
        let faces: [Face]
        struct Face: Encodable { let box: Rect; let score: Float; let embedding: [Float] }
    }

    func run() throws {
        let config = try common.loadConfig()
        let analyzer = try common.analyzer(config)
        var outputs: [Output] = []
        var unreadable = 0
        for path in photos {
            let image: Image
            do { image = try ImageFile.read(path, maxPixels: config.gallery.maxImagePixels) } catch {
                printError("\(path): \(error): skipped")
                unreadable += 1
                continue
            }
            let faces = try analyzer.analyze(image, detection: config.photoDetectorSettings, aligner: config.aligner)
            outputs.append(Output(photo: path, faces: faces.map {
                Output.Face(box: $0.detection.box, score: $0.detection.score, embedding: $0.embedding)
            }))
        }
        if common.json {
            try printJSON(outputs)
        } else {
            for output in outputs {
                for (index, face) in output.faces.enumerated() {
                    print("\(output.photo)#\(index) " + face.embedding.map { String(format: "%.6f", $0) }.joined(separator: " "))
                }
            }
        }
        if unreadable > 0 {
            printError("\(unreadable) of \(photos.count) photos could not be read")
            throw ExitCode.failure
        }
    }
}
