import ArgumentParser
import GreeterCore

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the 128-d SFace embedding of every face in each photo, for use by other tools.")

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
        for path in photos {
            let image: Image
            do { image = try ImageFile.read(path, maxPixels: config.gallery.maxImagePixels) } catch {
                throw Failure("\(path): \(error)")
            }
            let faces = try analyzer.analyze(image, detection: config.detectorSettings, aligner: config.aligner)
            outputs.append(Output(photo: path, faces: faces.map {
                Output.Face(box: $0.detection.box, score: $0.detection.score, embedding: $0.embedding)
            }))
        }
        if common.json { return try printJSON(outputs) }
        for output in outputs {
            for (index, face) in output.faces.enumerated() {
                print("\(output.photo)#\(index) " + face.embedding.map { String(format: "%.6f", $0) }.joined(separator: " "))
            }
        }
    }
}
