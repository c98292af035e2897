/// Detect → align → embed for one picture: the recognition work every caller (CLI, gallery, daemon) shares.
public final class FaceAnalyzer: Sendable {
    public let detector: FaceDetector
    public let embedder: FaceEmbedder

    public init(models: ModelFiles) throws {
        detector = try FaceDetector(models: models)
        embedder = try FaceEmbedder(models: models)
    }

    public struct Face: Sendable {
        public let detection: DetectedFace
        public let embedding: [Float]
    }

    /// Every face in `image` with its embedding, strongest detection first. Large photos are searched on a copy
    /// scaled to `detectionSide` pixels on the long side (the pyramid's cost grows with the area), but the chips
    /// are cut from the full-resolution image.
    public func analyze(_ image: Image, detection: FaceDetector.Settings, aligner: FaceAligner,
                        detectionSide: Int = 1280) throws -> [Face] {
        let faces = try detectScaled(image, settings: detection, longSide: detectionSide)
        let chips = try faces.map { try aligner.chip(from: image, face: $0) }
        return zip(faces, try embedder.embed(chips, averagingMirror: aligner.averagesMirror)).map { Face(detection: $0, embedding: $1) }
    }

    public func detectScaled(_ image: Image, settings: FaceDetector.Settings, longSide: Int) throws -> [DetectedFace] {
        let longest = max(image.width, image.height)
        guard longest > longSide else { return try detector.detect(image, settings: settings) }
        let factor = Float(longSide) / Float(longest)
        let small = try image.resized(width: max(1, Int(Float(image.width) * factor)),
                                      height: max(1, Int(Float(image.height) * factor)))
        var scaledSettings = settings
        scaledSettings.minFaceSize = max(12, Int(Float(settings.minFaceSize) * factor))
        return try detector.detect(small, settings: scaledSettings).map { $0.scaled(by: 1 / factor) }
    }
}

extension DetectedFace {
    public func scaled(by factor: Float) -> DetectedFace {
        func scale(_ p: Point) -> Point { Point(x: p.x * factor, y: p.y * factor) }
        return DetectedFace(
            box: Rect(x: box.x * factor, y: box.y * factor, width: box.width * factor, height: box.height * factor),
            score: score,
            landmarks: Landmarks(leftEye: scale(landmarks.leftEye), rightEye: scale(landmarks.rightEye),
                                 nose: scale(landmarks.nose), mouthLeft: scale(landmarks.mouthLeft),
                                 mouthRight: scale(landmarks.mouthRight)))
    }
}
