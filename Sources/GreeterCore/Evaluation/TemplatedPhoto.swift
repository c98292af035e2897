/// An evaluation photo embedded once: its plain embedding (template "photo") and, when a face was found, the
/// synthetic templates enrolment would add. Each evaluation then picks the templates it compares.
public struct TemplatedPhoto: Sendable {
    public let path: String
    /// False when no face was found: embedded from a central box, without synthetic templates.
    public let detected: Bool
    /// "photo" first, then one per augmentation.
    public let templates: [Template]

    /// The plain embedding, as a camera probe of this photo would be.
    public var embedding: [Float] { templates[0].embedding }

    /// The plain template, plus the synthetic ones when `synthetic` is set.
    public func templates(synthetic: Bool) -> [Template] { synthetic ? templates : [templates[0]] }

    /// Distance of `probe` from the plain template, or (given matcher settings) from the nearest of all templates
    /// on the plain template's scale: a synthetic template's distance is moved by the difference of the thresholds,
    /// so that it is within `settings.threshold` exactly when the matcher would accept it.
    public func distance(to probe: [Float], calibratedBy settings: Matcher.Settings?) -> Float {
        guard let settings else { return l2Distance(embedding, probe) }
        return templates.map {
            l2Distance($0.embedding, probe) + settings.threshold - settings.threshold(forKind: $0.kind)
        }.min()!
    }

    /// Reads, detects as a probe would (largest central face) and makes the enrolment templates of that face.
    public init(path: String, probe: ProbeEmbedder, enroller: PhotoEnroller, maxPixels: Int = 40_000_000) throws {
        do {
            let image = try ImageFile.read(path, maxPixels: maxPixels)
            if let face = try probe.mainFace(in: image) {
                templates = try enroller.templates(of: image, face: face)
                detected = true
            } else {
                templates = [Template(kind: Template.photoKind, embedding: try probe.embed(image).embedding)]
                detected = false
            }
        } catch {
            throw EnrolmentProblem("\(path): \(error)")
        }
        self.path = path
    }

    /// Embeds every distinct path once.
    public static func embedAll(_ paths: [String], probe: ProbeEmbedder, enroller: PhotoEnroller,
                                progress: (Int, Int) -> Void = { _, _ in }) throws -> [String: TemplatedPhoto] {
        let unique = Array(Set(paths)).sorted()
        var photos: [String: TemplatedPhoto] = [:]
        for (index, path) in unique.enumerated() {
            photos[path] = try TemplatedPhoto(path: path, probe: probe, enroller: enroller)
            progress(index + 1, unique.count)
        }
        return photos
    }
}
