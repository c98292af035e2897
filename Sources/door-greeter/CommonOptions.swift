import ArgumentParser
import Foundation
import GreeterCore

/// Options every recognition subcommand shares: where the config and the models are, and how to print.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file (TOML). Default: \(CommonOptions.defaultConfig) when it exists, else built-in defaults.", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Folder with the model files (overrides models.directory). Default: the config's, else ./models.", valueName: "DIR"))
    var models: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false

    static let defaultConfig = "/etc/door-greeter/door-greeter.toml"

    /// The config: the named file, the installed one, or the defaults. Exits with the file's problems listed;
    /// distances that do not fit the model are a warning on stderr.
    func loadConfig() throws -> Config {
        let path = config ?? (FileManager.default.fileExists(atPath: Self.defaultConfig) ? Self.defaultConfig : nil)
        let loaded = try path.map { try Config.load(path: $0) } ?? Config()
        for warning in loaded.modelWarnings {
            FileHandle.standardError.write(Data("warning: \(path ?? "config"): \(warning)\n".utf8))
        }
        return loaded
    }

    func modelFiles(_ config: Config) throws -> ModelFiles {
        if let models { return try ModelFiles(directory: models) }
        if FileManager.default.fileExists(atPath: config.models.directory) {
            return try ModelFiles(directory: config.models.directory)
        }
        return try ModelFiles.locate(nil)
    }

    func analyzer(_ config: Config) throws -> FaceAnalyzer {
        setVisionThreads(config.detection.threads)
        return try FaceAnalyzer(models: modelFiles(config))
    }
}

/// Prints any Encodable as pretty JSON with sorted keys on stdout.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
}

/// One line on stderr: a problem with one input of a batch that goes on.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A failure to report as one line and exit 1, without a stack trace.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
