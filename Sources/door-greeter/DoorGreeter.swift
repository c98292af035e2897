import ArgumentParser
import Dispatch
import GreeterCore

/// The process's entry point: the command runs as a detached task (not on the main actor, whose queue nobody
/// drains here) while the main thread waits for it. An `async` main would end the main thread in `dispatch_main`,
/// which Debian 12's valgrind cannot follow, and the instruction counts (`scripts/count-instructions`) are taken
/// under valgrind.
@main
enum Entry {
    static func main() {
        ResidentMemory.tuneAllocator()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await DoorGreeter.main()
            done.signal()
        }
        done.wait()
    }
}

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
