import Foundation

/// Turns one gallery photo into templates, or into the reason it cannot be used. Only facts about the photo
/// itself are decided here (so they can be cached with it); checks against other photos are the Gallery's.
public struct PhotoEnroller: Sendable {
    public struct Settings: Sendable {
        /// Smallest face side, in pixels, accepted for enrolment.
        public var minFaceSize: Int = 80
        /// Photos that declare more pixels are refused before decoding.
        public var maxImagePixels: Int = 40_000_000
        public var aligner = FaceAligner()
        /// How faces are looked for in a photo: down to 20 px, since a photo's face may be small.
        public var detection = FaceDetector.Settings(minFaceSize: 20)
        /// Extra templates made from each photo (issue: masked faces).
        public var augmentations: [TemplateAugmentation] = []

        public init() {}

        /// Part of the cache fingerprint: a change here invalidates cached per-photo results.
        public var fingerprint: String {
            "min\(minFaceSize)-max\(maxImagePixels)-\(detection.model.rawValue)-\(aligner.method.rawValue)\(aligner.margin)"
                + (aligner.averagesMirror ? "-mirror-" : "-")
                + augmentations.map(\.kind).joined(separator: ",")
        }
    }

    /// A face found in the photo that another face in it rivals in size: the photo does not say who is meant.
    static let rivalAreaRatio: Float = 0.5

    public let analyzer: FaceAnalyzer
    public var settings: Settings

    public init(analyzer: FaceAnalyzer, settings: Settings) {
        self.analyzer = analyzer; self.settings = settings
    }

    /// The photo's bytes already read (so the caller hashes and stats once).
    public func enrol(_ bytes: [UInt8]) -> Result<[Template], EnrolmentProblem> {
        let image: Image
        do {
            image = try ImageFile.decode(bytes, maxPixels: settings.maxImagePixels)
        } catch {
            return .failure(EnrolmentProblem("\(error)"))
        }
        do {
            let faces = try analyzer.detectScaled(image, settings: settings.detection, longSide: 1280)
                .sorted { $0.box.area > $1.box.area }
            guard let main = faces.first else {
                return .failure(EnrolmentProblem("no face found in the \(image.width)x\(image.height) photo"))
            }
            let rivals = faces.dropFirst().filter { $0.box.area >= main.box.area * Self.rivalAreaRatio }
            guard rivals.isEmpty else {
                return .failure(EnrolmentProblem("\(rivals.count + 1) faces of similar size: which one is meant? "
                    + "Crop the photo to one person"))
            }
            let side = Int(max(main.box.width, main.box.height))
            guard side >= settings.minFaceSize else {
                return .failure(EnrolmentProblem("the face is \(side) px, smaller than gallery.min_face_size "
                    + "(\(settings.minFaceSize) px): use a closer or larger photo"))
            }
            return .success(try templates(of: image, face: main))
        } catch {
            return .failure(EnrolmentProblem("cannot analyse the photo: \(error)"))
        }
    }
}

extension PhotoEnroller {
    /// The templates of one face of a decoded photo: its chip ("photo"), then one per augmentation.
    public func templates(of image: Image, face: DetectedFace) throws -> [Template] {
        var chips = [try settings.aligner.chip(from: image, face: face)]
        var kinds = [Template.photoKind]
        for augmentation in settings.augmentations {
            chips.append(try augmentation.apply(to: image, face: face, aligner: settings.aligner))
            kinds.append(augmentation.kind)
        }
        let embeddings = try analyzer.embedder.embed(chips, averagingMirror: settings.aligner.averagesMirror)
        return zip(kinds, embeddings).map { Template(kind: $0, embedding: $1) }
    }
}

public struct EnrolmentProblem: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A synthetic variant of an enrolment photo, stored as an extra template of the same person.
public protocol TemplateAugmentation: Sendable {
    /// The template's label in the cache and in `gallery` output, e.g. "mask:surgical-blue".
    var kind: String { get }
    func apply(to image: Image, face: DetectedFace, aligner: FaceAligner) throws -> Image
}
