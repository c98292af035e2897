import ArgumentParser
import Foundation
import GreeterCore

struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct a visit's greeting: its face is not NAME (and maybe is OTHER).",
        discussion: """
            --not NAME keeps the visit's face crop as gallery/NAME/.not/ID.jpg, a negative example: the matcher \
            no longer names NAME for a face nearer to one of NAME's negatives than to NAME's own photos. --is OTHER \
            does that for the person the visit was named as, and enrols the crop as a photo of OTHER \
            (enrol OTHER --from-visit ID). The running daemon picks both up through its gallery watcher.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var place: PlaceOptions

    @Argument(help: ArgumentHelp("The visit (`door-greeter visits` lists them).", valueName: "ID"))
    var id: String

    @Option(name: .customLong("not"), help: ArgumentHelp("The visit's face is not this person.", valueName: "NAME"))
    var notName: String?

    @Option(name: .customLong("is"), help: ArgumentHelp("The visit's face is this person.", valueName: "OTHER"))
    var isName: String?

    func validate() throws {
        guard (notName == nil) != (isName == nil) else { throw ValidationError("give one of --not NAME and --is OTHER") }
    }

    func run() throws {
        let config = try place.config(common)
        let (visit, bytes) = try place.visitCrop(id, config)
        let editor = GalleryEditor(directory: config.gallery.directory)
        let (gallery, _) = try place.scannedGallery(common, config)
        let wrong = notName ?? visit.namedPerson.flatMap { PersonName.key($0) == PersonName.key(isName!) ? nil : $0 }
        if let wrong, let problem = gallery.refusal(of: bytes, as: wrong, negative: true) {
            throw Failure("visit \(id): the face crop cannot be used: \(problem)")
        }
        if let isName, let problem = gallery.refusal(of: bytes, as: isName) {
            throw Failure("visit \(id): not enrolled as \(isName): \(problem)"
                + (wrong.map { "; `correct \(id) --not \($0)` alone still corrects the greeting" } ?? ""))
        }
        if let wrong {
            let path = try editor.addNegative(bytes, of: wrong, as: "\(id).jpg")
            print("\(config.gallery.directory)/\(path): visit \(id) is not \(PersonName.fromFile(wrong)) from now on")
        }
        if let isName {
            let path = try editor.addPhoto(bytes, of: isName, as: "\(id).jpg")
            print("\(config.gallery.directory)/\(path): another photo of \(PersonName.fromFile(isName))")
        }
    }
}

extension Visit {
    /// The person the visit was named as, when it was.
    var namedPerson: String? {
        outcome == .greeted || outcome == .known ? people.first?.name : nil
    }
}
