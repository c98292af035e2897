import Foundation
import Testing
import GreeterCore

@Suite struct GreetingLogTests {
    @Test func missingFileIsAnEmptyLogWithoutError() throws {
        try withTemporaryStateDirectory { dir in
            let (log, error) = GreetingLog.load(stateDirectory: dir)
            #expect(error == nil)
            #expect(log.lastGreeted.isEmpty)
            #expect(log.path == dir + "/greetings.json")
        }
    }

    @Test func savesAtomicallyAndLoadsBack() throws {
        try withTemporaryStateDirectory { dir in
            var (log, _) = GreetingLog.load(stateDirectory: dir)
            try log.record([.person("Alice"), .unknown], at: 1_700_000_000.5)
            try log.record([.person("Bob")], at: 1_700_000_100)
            // Only the file itself remains: no temp file left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["greetings.json"])
            let (reloaded, error) = GreetingLog.load(stateDirectory: dir + "/")
            #expect(error == nil)
            #expect(reloaded.lastGreeted == [.person("Alice"): 1_700_000_000.5, .unknown: 1_700_000_000.5,
                                             .person("Bob"): 1_700_000_100])
            let attributes = try FileManager.default.attributesOfItem(atPath: log.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func aStrayTempFileFromACrashIsIgnored() throws {
        try withTemporaryStateDirectory { dir in
            var (log, _) = GreetingLog.load(stateDirectory: dir)
            try log.record([.person("Alice")], at: 100)
            // What a crash between write and rename leaves: a half-written temp file next to the intact old file.
            try Data("{\"version\": 1, \"peo".utf8).write(to: URL(fileURLWithPath: dir + "/.greetings.json.Ab12Cd"))
            let (reloaded, error) = GreetingLog.load(stateDirectory: dir)
            #expect(error == nil)
            #expect(reloaded.lastGreeted == [.person("Alice"): 100])
        }
    }

    @Test(arguments: [
        ("{\"version\": 1, \"peo", "not valid JSON"),
        ("{\"version\": 1}", "missing key \"people\""),
        ("{\"version\": 1, \"people\": {\"Alice\": \"yesterday\"}}", "people.Alice: expected Double"),
        ("{\"version\": 7, \"people\": {}}", "version 7 is not supported, expected 1"),
    ])
    func corruptFileGivesAnErrorNamingTheFileAndAnEmptyLog(content: String, reason: String) throws {
        try withTemporaryStateDirectory { dir in
            let path = dir + "/greetings.json"
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
            var (log, error) = GreetingLog.load(stateDirectory: dir)
            #expect(error == .corrupt(path: path, reason: reason))
            #expect(error?.description.contains(path) == true)
            #expect(log.lastGreeted.isEmpty)
            // The next greeting replaces the broken file.
            try log.record([.person("Alice")], at: 5)
            #expect(GreetingLog.load(stateDirectory: dir).1 == nil)
        }
    }

    @Test func unwritableStateDirectoryIsAnErrorButKeepsTheCooldownInMemory() throws {
        try withTemporaryStateDirectory { dir in
            // A file where the directory should be (root ignores permissions, so chmod would not do).
            let notADirectory = dir + "/state"
            try Data().write(to: URL(fileURLWithPath: notADirectory))
            var (log, loadError) = GreetingLog.load(stateDirectory: notADirectory)
            #expect(loadError == nil)
            let error = #expect(throws: GreetingLogError.self) { try log.record([.person("Alice")], at: 8) }
            #expect(error?.description.contains(notADirectory + "/greetings.json") == true)
            #expect(error?.description.contains("Not a directory") == true)
            #expect(log.lastGreeted[.person("Alice")] == 8)
        }
    }

    @Test func unreadableFileGivesAnErrorNamingTheFileAndWhy() throws {
        try withTemporaryStateDirectory { dir in
            let path = dir + "/greetings.json"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            let (log, error) = GreetingLog.load(stateDirectory: dir)
            #expect(error == .unreadable(path: path, reason: "Is a directory"))
            #expect(log.lastGreeted.isEmpty)
        }
    }
}
