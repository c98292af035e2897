import ArgumentParser
import Foundation
import GreeterCore
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the greeter: watch the camera (or a video), greet the people it knows.",
        discussion: """
            As a systemd service: Type=notify; `systemctl reload` (SIGHUP) re-reads the config and rescans the \
            gallery; photos dropped into the gallery are enrolled within a second. Logs go to stderr with syslog \
            priorities for the journal: `journalctl -u door-greeter -f`.
            """)

    @OptionGroup var location: StateOptions

    @Option(help: ArgumentHelp("Read frames from a video file or an image folder instead of the camera.", valueName: "VIDEO|DIR"))
    var source: String?

    @Flag(help: "With --source: read frames as fast as the pipeline takes them instead of at the file's frame rate.")
    var asFastAsPossible = false

    @Flag(help: "With --source: start the file again at its end instead of exiting.")
    var loop = false

    @Option(help: ArgumentHelp("Override speech.output: audio, or wav:DIR to write each greeting as a WAV file.", valueName: "OUTPUT"))
    var speech: String?

    @Option(help: ArgumentHelp("Override gallery.directory.", valueName: "DIR"))
    var gallery: String?

    @Option(help: ArgumentHelp("Override models.directory.", valueName: "DIR"))
    var models: String?

    @Option(help: ArgumentHelp("At exit, write frame, CPU, memory and time-to-greet figures as JSON to this file.", valueName: "FILE"))
    var statsJson: String?

    func validate() throws {
        if let speech, (try? SpeechOutput(parsing: speech)) == nil {
            throw ValidationError("--speech \(speech): expected audio or wav:/absolute/dir")
        }
        if source == nil, asFastAsPossible || loop {
            throw ValidationError("--as-fast-as-possible and --loop go with --source")
        }
    }

    func run() async throws {
        let overrides = Daemon.Overrides(source: source, realTime: !asFastAsPossible, loop: loop, speech: speech,
                                         gallery: gallery, stateDirectory: location.stateDir, models: models,
                                         statsFile: statsJson)
        // A vanished log reader or socket peer gives EPIPE instead of ending the process.
        signal(SIGPIPE, SIG_IGN)
        // Native libraries' lines on stderr get a priority too; the log handler writes to the real stderr.
        let logFD = NativeOutput.capture()
        LoggingSystem.bootstrap { JournalLogHandler(label: $0, fd: logFD) }
        let status = await Daemon.run(configPath: location.configPath, overrides: overrides, logger: Logger(label: "door-greeter"))
        NativeOutput.finish()
        if status != 0 { throw ExitCode(status) }
    }
}
