import Foundation
import GreeterCore
import Testing

/// A visit as the daemon's visit log will leave it, made by hand until the daemon writes them: `ID.json` (a
/// `Visit`, ISO-8601 dates) and `ID.jpg`, the largest face of one real frame of the Hamilton clip cut out with a
/// margin. Tests can later take a daemon-made visit instead.
enum VisitFixture {
    static let analyzer: FaceAnalyzer = {
        // Loading the models once for every test that needs a crop.
        do { return try FaceAnalyzer(models: ModelFiles(directory: TestPaths.models)) }
        catch { fatalError("models in \(TestPaths.models): \(error)") }
    }()

    /// Writes the visit `id` of frame `frame` of the clip into `state/visits/`, named as `person` (nil: unknown).
    static func write(id: String, frame: Int, person: String?, state: String) throws {
        let store = VisitStore(stateDirectory: state)
        try PrivateDirectory.create(store.directory)
        let source = try FileSource(path: try TestPaths.required(TestPaths.hamiltonClip), realTime: false)
        defer { source.close() }
        var image: Image?
        while let next = try source.next(), next.index <= frame { image = next.image }
        let picture = try #require(image, "the clip has no frame \(frame)")
        let faces = try analyzer.detectScaled(picture, settings: FaceDetector.Settings(minFaceSize: 40), longSide: 1280)
        let face = try #require(faces.max { $0.box.area < $1.box.area }, "no face in frame \(frame) of the clip")
        try AtomicFile.write(try ImageFile.jpeg(try picture.faceCrop(face), quality: 92), to: store.path(of: "\(id).jpg"))
        let now = Date()
        let visit = Visit(id: id, start: now.addingTimeInterval(-3), end: now, outcome: person == nil ? .unknown : .greeted,
                          reason: nil, people: person.map { [Visit.Person(name: $0, distance: 0.8)] } ?? [],
                          face: "\(id).jpg", frame: nil)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(try encoder.encode(visit), to: store.path(of: "\(id).json"))
    }
}
