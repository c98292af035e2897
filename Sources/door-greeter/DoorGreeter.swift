import ArgumentParser

@main
struct DoorGreeter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "door-greeter",
        abstract: "Recognise the people at the door and greet them aloud.",
        discussion: """
            Enrol a person by putting one photo of them in the gallery folder; the file name is the name \
            (mary-jane_smith.jpg is "Mary Jane Smith"). Distances are L2 distances between SFace embeddings \
            (0 = identical, 2 = opposite); a face farther than recognition.threshold from everyone is unknown.
            """,
        subcommands: [
            RunCommand.self, IdentifyCommand.self, EmbedCommand.self, GalleryCommand.self, EvalCommand.self,
            EnrolCommand.self, CorrectCommand.self, VisitsCommand.self, BenchCommand.self, CheckConfigCommand.self,
            DevicesCommand.self, CaptureCheckCommand.self,
        ]
    )
}
