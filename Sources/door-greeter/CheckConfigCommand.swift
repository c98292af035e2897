import ArgumentParser
import GreeterCore

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a config file: every unknown key, wrong type and out-of-range value is listed.")

    @Argument(help: ArgumentHelp("The config file.", valueName: "FILE"))
    var file: String

    func run() throws {
        do {
            let config = try Config.load(path: file)
            config.modelWarnings.forEach { print("\(file): warning: \($0)") }
            print("\(file): OK")
        } catch {
            print("\(error)")
            throw ExitCode(1)
        }
    }
}
