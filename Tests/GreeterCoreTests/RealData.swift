import Foundation
import GreeterCore
import Testing

/// The project's real test inputs: ../shared/datasets beside the project, and the models from
/// `scripts/fetch-models` in ./models. Both are required: a missing one fails with what to do about it.
enum RealData {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static var datasets: String {
        let path = (projectRoot as NSString).appendingPathComponent("../shared/datasets")
        precondition(FileManager.default.fileExists(atPath: path),
                     "\(path) is missing: the tests read real photos and videos from ../shared/datasets")
        return path
    }

    static var examples: String { datasets + "/photos/face_recognition_examples/examples" }

    static let models: ModelFiles = {
        do { return try ModelFiles(directory: projectRoot + "/models") } catch {
            preconditionFailure("\(error) (run scripts/setup first)")
        }
    }()

    /// One analyzer for the whole test run: loading the models costs a fraction of a second and ~50 MB.
    static let analyzer: FaceAnalyzer = {
        do { return try FaceAnalyzer(models: models) } catch { preconditionFailure("\(error)") }
    }()

    static func image(_ path: String) throws -> Image { try ImageFile.read(path) }

    /// A fresh empty folder under /tmp.
    static func scratch(_ purpose: String) -> String {
        let path = NSTemporaryDirectory() + "door-greeter-\(purpose)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
