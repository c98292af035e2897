import Foundation
import GreeterCore
import Testing

/// A visit as the daemon's visit log leaves it, for a decision the daemon cannot be made to take (a wrong name at
/// the default threshold): `ID.json` (a `Visit`, ISO-8601 dates) and `ID.jpg`, the largest face of a real picture
/// (a frame of a shared video) cut out as the visit log cuts it.
enum VisitFixture {
    static let analyzer: FaceAnalyzer = {
        // Loaded once for every test that needs a crop.
        do { return try FaceAnalyzer(models: ModelFiles(directory: TestPaths.models)) }
        catch { fatalError("models in \(TestPaths.models): \(error)") }
    }()

    /// Frame `index` of a video.
    static func frame(_ index: Int, of video: String) throws -> Image {
        let source = try FileSource(path: try TestPaths.required(video), realTime: false)
        defer { source.close() }
        var image: Image?
        while let next = try source.next(), next.index <= index { image = next.image }
        return try #require(image, "\(video) has no frame \(index)")
    }

    /// Writes the visit `id` of the largest face in `picture` into `state/visits/`, named as `person` (nil: unknown).
    static func write(id: String, picture: Image, person: String?, state: String) throws {
        let store = VisitStore(stateDirectory: state)
        try PrivateDirectory.create(store.directory)
        let faces = try analyzer.detectScaled(picture, settings: FaceDetector.Settings(minFaceSize: 40), longSide: 1280)
        let face = try #require(faces.max { $0.box.area < $1.box.area }, "no face in the visit's picture")
        try AtomicFile.write(try ImageFile.jpeg(try picture.faceCrop(around: face.box), quality: 92), to: store.path(of: "\(id).jpg"))
        let now = Date()
        let visit = Visit(id: id, start: now.addingTimeInterval(-3), end: now, outcome: person == nil ? .unknown : .greeted,
                          reason: nil, people: person.map { [Visit.Person(name: $0, distance: 0.9)] } ?? [],
                          face: "\(id).jpg", frame: nil)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(try encoder.encode(visit), to: store.path(of: "\(id).json"))
    }
}
