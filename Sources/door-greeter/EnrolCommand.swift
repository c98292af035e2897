import ArgumentParser
import Foundation
import GreeterCore

struct EnrolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Add photos of NAME to the gallery: a visit's face, or the best frames from the camera.",
        discussion: """
            Photos go into gallery/NAME/ (made, extended, or made from a single NAME.jpg, which is moved into it), \
            where the running daemon enrols them through its gallery watcher. A face that already matches \
            someone else (within gallery.duplicate_distance) is refused, as the gallery refuses it.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var place: PlaceOptions

    @Argument(help: ArgumentHelp("Who the photos are of.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("Copy this visit's face crop (`door-greeter visits` lists them).", valueName: "ID"))
    var fromVisit: String?

    @Flag(help: "Take the photos with the camera (camera.device of the config, or --source).")
    var fromCamera = false

    @Option(help: "With --from-camera: how many distinct photos to save.")
    var photos = 5

    @Option(help: ArgumentHelp("With --from-camera: a video file or camera device instead of the config's camera.", valueName: "FILE|DEVICE"))
    var source: String?

    func validate() throws {
        guard (fromVisit != nil) != fromCamera else { throw ValidationError("give one of --from-visit ID and --from-camera") }
        guard (1...50).contains(photos) else { throw ValidationError("--photos \(photos): between 1 and 50") }
        if source != nil, !fromCamera { throw ValidationError("--source goes with --from-camera") }
    }

    func run() throws {
        let config = try place.config(common)
        let editor = GalleryEditor(directory: config.gallery.directory)
        if let fromVisit {
            let (_, bytes) = try place.visitCrop(fromVisit, config)
            let (gallery, _) = try place.scannedGallery(common, config)
            if let problem = gallery.refusal(of: bytes, as: name) {
                throw Failure("visit \(fromVisit): not enrolled as \(name): \(problem)")
            }
            let path = try editor.addPhoto(bytes, of: name, as: "\(fromVisit).jpg")
            return print("\(config.gallery.directory)/\(path): another photo of \(PersonName.fromFile(name))")
        }
        try CameraEnrolment(common: common, place: place, config: config, editor: editor, name: name, photos: photos,
                            source: source).run()
    }
}
