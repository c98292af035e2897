import ArgumentParser
import Foundation
import GreeterCore

/// Where `run` finds its config file and state folder; the `visits` commands find the same folder this way.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file (TOML).", valueName: "FILE"))
    var config = CommonOptions.defaultConfig

    @Option(help: ArgumentHelp("Override state.directory (greeting times, embedding cache, visits).", valueName: "DIR"))
    var stateDir: String?

    /// The named config file; the installed one only when it exists, else none (built-in defaults).
    var configPath: String? {
        FileManager.default.fileExists(atPath: config) || config != CommonOptions.defaultConfig ? config : nil
    }

    /// `--state-dir`, else the config's `state.directory`.
    func stateDirectory() throws -> String {
        if let stateDir { return stateDir }
        return try configPath.map { try Config.load(path: $0) }?.state.directory ?? Config().state.directory
    }
}
