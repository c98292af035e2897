/// Embeds the one face an evaluation photo is about: the largest detection, preferring the centre. A photo
/// where nothing is found is embedded from a central box (LFW photos are centred on the face) and counted,
/// so a detector miss costs accuracy instead of silently dropping the pair.
public struct ProbeEmbedder: Sendable {
    public let analyzer: FaceAnalyzer
    public var detection: FaceDetector.Settings
    public var aligner: FaceAligner

    public init(analyzer: FaceAnalyzer, detection: FaceDetector.Settings, aligner: FaceAligner) {
        self.analyzer = analyzer; self.detection = detection; self.aligner = aligner
    }

    public struct Probe: Sendable {
        public let embedding: [Float]
        public let face: DetectedFace?
    }

    public func embed(_ image: Image) throws -> Probe {
        let main = try mainFace(in: image)
        let face = main ?? Self.centralGuess(image)
        var aligner = aligner
        if main == nil { aligner.method = .crop }
        let chip = try aligner.chip(from: image, face: face)
        return Probe(embedding: try analyzer.embedder.embed([chip], averagingMirror: aligner.averagesMirror)[0], face: main)
    }

    /// The face the photo is about: the largest detection, preferring the centre; nil when nothing is found.
    public func mainFace(in image: Image) throws -> DetectedFace? {
        let faces = try analyzer.detectScaled(image, settings: detection, longSide: 1280)
        let center = Point(x: Float(image.width) / 2, y: Float(image.height) / 2)
        return faces.max { rank($0, center) < rank($1, center) }
    }

    private func rank(_ face: DetectedFace, _ center: Point) -> Float {
        let dx = face.box.center.x - center.x, dy = face.box.center.y - center.y
        return face.box.area - 2 * (dx * dx + dy * dy)
    }

    static func centralGuess(_ image: Image) -> DetectedFace {
        let side = Float(min(image.width, image.height)) * 0.45
        let box = Rect(x: Float(image.width) / 2 - side / 2, y: Float(image.height) / 2 - side / 2,
                       width: side, height: side)
        let none = Point(x: box.center.x, y: box.center.y)
        return DetectedFace(box: box, score: 0,
                            landmarks: Landmarks(leftEye: none, rightEye: none, nose: none, mouthLeft: none, mouthRight: none))
    }
}
