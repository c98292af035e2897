import Glibc
import GreeterCore
import Testing

@Suite struct AtomicFileTests {
    @Test func writesAndReplacesLeavingNoTemporaryFile() throws {
        let directory = SystemTestSupport.scratchDirectory("atomic")
        defer { SystemTestSupport.removeTree(directory) }
        let path = directory + "/state.json"

        try AtomicFile.write(Array(#"{"greeted":["alice"]}"#.utf8), to: path)
        #expect(SystemTestSupport.readFile(path) == #"{"greeted":["alice"]}"#)

        try AtomicFile.write("{}".utf8, to: path)
        #expect(SystemTestSupport.readFile(path) == "{}")
        #expect(SystemTestSupport.listDirectory(directory) == ["state.json"])
    }

    @Test func collectionsWithoutContiguousStorageAreWrittenToo() throws {
        let directory = SystemTestSupport.scratchDirectory("atomic")
        defer { SystemTestSupport.removeTree(directory) }
        let path = directory + "/sevens"
        try AtomicFile.write(repeatElement(UInt8(ascii: "7"), count: 5), to: path)
        #expect(SystemTestSupport.readFile(path) == "77777")
        try AtomicFile.write([UInt8](), to: path)
        #expect(SystemTestSupport.readFile(path) == "")
    }

    @Test func theModeIsOwnerOnlyUnlessAskedOtherwise() throws {
        let directory = SystemTestSupport.scratchDirectory("atomic")
        defer { SystemTestSupport.removeTree(directory) }
        let path = directory + "/embeddings"
        try AtomicFile.write("x".utf8, to: path)
        var info = stat()
        try #require(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        try AtomicFile.write("y".utf8, to: path, permissions: 0o644)
        try #require(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o644)
    }

    @Test func aMissingDirectoryIsAnErrorNamingThePath() throws {
        let error = try #require(throws: SystemError.self) {
            try AtomicFile.write("x".utf8, to: "/nonexistent-door-greeter/state.json")
        }
        #expect(error.code == ENOENT)
        #expect(error.description.contains("/nonexistent-door-greeter/state.json"))
        #expect(error.description.hasSuffix(": No such file or directory"))
    }

    @Test func aFailedRenameLeavesTheOldFileAndNoTemporary() throws {
        let directory = SystemTestSupport.scratchDirectory("atomic")
        defer { SystemTestSupport.removeTree(directory) }
        // A non-empty directory where the file should go: everything works up to the rename.
        try #require(mkdir(directory + "/taken", 0o755) == 0)
        SystemTestSupport.writeFile(directory + "/taken/keep", "old")
        let error = try #require(throws: SystemError.self) { try AtomicFile.write("new".utf8, to: directory + "/taken") }
        #expect(error.description.hasPrefix("cannot rename \(directory)/.taken.tmp-"))
        #expect(error.description.hasSuffix(" to \(directory)/taken: Is a directory"))
        #expect(SystemTestSupport.listDirectory(directory) == ["taken"])
        #expect(SystemTestSupport.readFile(directory + "/taken/keep") == "old")
    }
}
