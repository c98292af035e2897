import Foundation

/// What a correction (`correct ID --not A`) does, measured on look-alikes: the impostor pairs (A, B) of an LFW
/// pairs file nearest each other (closest to the threshold, accepted or not) whose B has other photos. A is
/// enrolled from their photo; B's photo of the pair becomes a negative of A; B's *other* photos then probe the
/// gallery (is the repeat mistake stopped?), and so do A's other photos (is A still recognised?). Over the
/// genuine pairs of the file, every negative of the experiment is given to every enrolled person, the worst case
/// for a person's own recognition. The rule has no parameter of its own, so it is measured at several thresholds:
/// SFace at the default one accepts almost no impostor pair.
public enum CorrectionEvaluation {
    public struct Counts: Sendable, Codable, Equatable {
        public var probes = 0
        public var accepted = 0
        public var rate: Double { Double(accepted) / Double(max(probes, 1)) }

        mutating func count(_ isAccepted: Bool) {
            probes += 1
            if isAccepted { accepted += 1 }
        }
    }

    /// One look-alike pair: A's photo, B's photo and their distance.
    public struct Lookalike: Sendable, Codable {
        public var enrolled: String
        public var stranger: String
        public var distance: Float
    }

    /// The figures at one threshold.
    public struct Outcome: Sendable, Codable {
        public var threshold: Float
        /// The pairs' own B photo named A (the wrong greeting) before; after, it is the negative.
        public var lookalikesAccepted = 0
        public var lookalikesAcceptedAfter = 0
        /// B's other photos named A: before and after the correction.
        public var strangerBefore = Counts()
        public var strangerAfter = Counts()
        /// A's other photos named A: before and after.
        public var ownBefore = Counts()
        public var ownAfter = Counts()
        /// Genuine pairs of the file (first photo enrolled, second probing): before, and with every negative.
        public var genuineBefore = Counts()
        public var genuineAfter = Counts()
    }

    public struct Report: Sendable, Codable {
        public var lookalikes: [Lookalike] = []
        public var outcomes: [Outcome] = []
        public var unreadable: [String] = []
    }

    /// `closest`: how many impostor pairs; `maxPhotos`: other photos per person used as probes.
    public static func run(_ pairs: [FacePair], probe: ProbeEmbedder, settings: Matcher.Settings,
                           thresholds: [Float], closest: Int, maxPhotos: Int,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> Report {
        var embeddings: [String: [Float]] = [:]
        var report = Report()
        func embed(_ photos: [String]) throws {
            let missing = Array(Set(photos.filter { embeddings[$0] == nil })).sorted()
            for (index, photo) in missing.enumerated() {
                do {
                    embeddings[photo] = try probe.embed(ImageFile.read(photo)).embedding
                } catch let problem as ImageFile.Problem {
                    report.unreadable.append("\(photo): \(problem)")
                }
                progress(index + 1, missing.count)
            }
        }
        let others = { (photo: String) -> [String] in Array(otherPhotos(of: photo).prefix(maxPhotos)) }
        let impostors = pairs.filter { !$0.samePerson && !others($0.second).isEmpty }
        let genuine = pairs.filter(\.samePerson)
        try embed(impostors.flatMap { [$0.first, $0.second] } + genuine.flatMap { [$0.first, $0.second] })
        report.lookalikes = Array(impostors.compactMap { pair -> Lookalike? in
            guard let a = embeddings[pair.first], let b = embeddings[pair.second] else { return nil }
            return Lookalike(enrolled: pair.first, stranger: pair.second, distance: l2Distance(a, b))
        }.sorted { $0.distance < $1.distance }.prefix(closest))
        try embed(report.lookalikes.flatMap { others($0.enrolled) + others($0.stranger) })

        let negatives = report.lookalikes.compactMap { embeddings[$0.stranger] }
        report.outcomes = thresholds.map { threshold in
            var settings = settings
            settings.threshold = threshold
            var outcome = Outcome(threshold: threshold)
            func named(_ photo: String, by matcher: Matcher, as name: String) -> Bool? {
                embeddings[photo].map { matcher.match($0, settings: settings).name == name }
            }
            for pair in report.lookalikes {
                let a = person(pair.enrolled)
                let enrolled = [(name: a, kind: Template.photoKind, embedding: embeddings[pair.enrolled]!)]
                let before = Matcher(templates: enrolled)
                let after = Matcher(templates: enrolled
                    + [(name: a, kind: Template.negativeKind, embedding: embeddings[pair.stranger]!)])
                if named(pair.stranger, by: before, as: a) == true { outcome.lookalikesAccepted += 1 }
                if named(pair.stranger, by: after, as: a) == true { outcome.lookalikesAcceptedAfter += 1 }
                for photo in others(pair.stranger) {
                    guard let was = named(photo, by: before, as: a), let now = named(photo, by: after, as: a) else { continue }
                    outcome.strangerBefore.count(was)
                    outcome.strangerAfter.count(now)
                }
                for photo in others(pair.enrolled) {
                    guard let was = named(photo, by: before, as: a), let now = named(photo, by: after, as: a) else { continue }
                    outcome.ownBefore.count(was)
                    outcome.ownAfter.count(now)
                }
            }
            for pair in genuine {
                guard let enrolled = embeddings[pair.first], embeddings[pair.second] != nil else { continue }
                let name = person(pair.first)
                let photo = [(name: name, kind: Template.photoKind, embedding: enrolled)]
                let after = Matcher(templates: photo + negatives.map { (name: name, kind: Template.negativeKind, embedding: $0) })
                outcome.genuineBefore.count(named(pair.second, by: Matcher(templates: photo), as: name)!)
                outcome.genuineAfter.count(named(pair.second, by: after, as: name)!)
            }
            return outcome
        }
        return report
    }

    private static func person(_ photo: String) -> String {
        ((photo as NSString).deletingLastPathComponent as NSString).lastPathComponent
    }

    /// The person's other photos in the images folder (`NAME/NAME_000N.jpg`), in order.
    static func otherPhotos(of photo: String) -> [String] {
        let folder = (photo as NSString).deletingLastPathComponent
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.sorted().map { (folder as NSString).appendingPathComponent($0) }
            .filter { $0 != photo && GalleryFiles.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
    }
}
