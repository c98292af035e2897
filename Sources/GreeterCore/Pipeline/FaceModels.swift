/// What the pipeline asks of the vision models: find faces, embed them. The seam that lets tests drive
/// `DoorPipeline` frame by frame with scripted faces and no models; `FaceAnalyzer` is the real one.
public protocol FaceModels: Sendable {
    func detect(_ image: Image, settings: FaceDetector.Settings) throws -> [DetectedFace]
    /// One embedding per face, cut from `image` the way `aligner` says.
    func embed(_ faces: [DetectedFace], in image: Image, aligner: FaceAligner) throws -> [[Float]]
}

extension FaceAnalyzer: FaceModels {
    public func detect(_ image: Image, settings: FaceDetector.Settings) throws -> [DetectedFace] {
        try detector.detect(image, settings: settings)
    }

    public func embed(_ faces: [DetectedFace], in image: Image, aligner: FaceAligner) throws -> [[Float]] {
        try embedder.embed(faces.map { try aligner.chip(from: image, face: $0) }, averagingMirror: aligner.averagesMirror)
    }
}
