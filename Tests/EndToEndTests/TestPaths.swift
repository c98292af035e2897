import Foundation
import Testing

/// Where the end-to-end tests find the built daemon, the models and the shared data sets.
enum TestPaths {
    /// The package root: two levels above this file (Tests/EndToEndTests/).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let models = packageRoot + "/models"
    static let datasets = packageRoot + "/../shared/datasets"
    static let hamiltonClip = datasets + "/videos/short_hamilton_clip.mp4"
    static let examplePhotos = datasets + "/photos/face_recognition_examples/examples"

    /// The `door-greeter` executable: `$DOOR_GREETER_BIN` if set, else the one `swift test` built next to the
    /// test runner (same build directory, same configuration), else one in the package's .build.
    static func daemon() throws -> String {
        if let path = ProcessInfo.processInfo.environment["DOOR_GREETER_BIN"], !path.isEmpty {
            try #require(FileManager.default.isExecutableFile(atPath: path),
                         "DOOR_GREETER_BIN=\(path) is not an executable file")
            return path
        }
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let candidates = [URL(fileURLWithPath: runner).deletingLastPathComponent().path]
            + ["debug", "release"].map { "\(packageRoot)/.build/\($0)" }
        let found = candidates.map { $0 + "/door-greeter" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        return try #require(found, """
            no door-greeter executable in \(candidates.joined(separator: ", ")); \
            build it (swift build) or set DOOR_GREETER_BIN
            """)
    }

    /// A shared data file, or a failed test saying what is missing and where it was expected.
    static func required(_ path: String) throws -> String {
        let standard = URL(fileURLWithPath: path).standardized.path
        try #require(FileManager.default.fileExists(atPath: standard), """
            missing test data \(standard): the end-to-end tests need the shared data sets in ../shared/datasets \
            and the models in models/, relative to the package root
            """)
        return standard
    }

    /// A fresh directory under /tmp for one test.
    static func scratchDirectory(_ purpose: String) throws -> String {
        var template = Array("/tmp/door-greeter-e2e-\(purpose)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        try #require(made, "mkdtemp failed: \(String(cString: strerror(errno)))")
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
