import Foundation

/// What a correction (`correct ID --not A`) does, measured on look-alikes: the impostor pairs (A, B) of an LFW
/// pairs file whose distance lies closest to the threshold, accepted or not. A is enrolled from their photo;
/// B's photo of the pair becomes a negative of A; B's *other* photos then probe the gallery (is the repeat
/// mistake stopped?), and so do A's other photos (is A still recognised?). Over the genuine pairs of the file,
/// every negative of the experiment is given to every enrolled person, the worst case for A's own recognition.
public enum CorrectionEvaluation {
    public struct Counts: Sendable, Codable, Equatable {
        public var probes = 0
        public var accepted = 0
        public var rate: Double { Double(accepted) / Double(max(probes, 1)) }

        mutating func add(_ other: Counts) { (probes, accepted) = (probes + other.probes, accepted + other.accepted) }
    }

    /// One look-alike pair: A's photo, B's photo, their distance, and B's other photos named A before/after.
    public struct Lookalike: Sendable, Codable {
        public var enrolled: String
        public var stranger: String
        public var distance: Float
        public var strangerBefore = Counts()
        public var strangerAfter = Counts()
    }

    public struct Report: Sendable, Codable {
        public var threshold: Float
        /// The look-alike pairs used, and how many of them were accepted (the wrong greeting) before.
        public var lookalikePairs = 0
        public var lookalikesAcceptedBefore = 0
        /// Their farthest distance from the threshold.
        public var widestGap: Float = 0
        /// The pair's own B photo, after the correction (it is the negative: always refused).
        public var lookalikesAcceptedAfter = 0
        /// B's other photos named A: before and after the correction.
        public var strangerBefore = Counts()
        public var strangerAfter = Counts()
        /// Of B's other photos named A before, how many the correction stopped.
        public var repeatMistakesStopped = 0
        /// A's other photos named A: before and after.
        public var ownBefore = Counts()
        public var ownAfter = Counts()
        /// Genuine pairs of the file (first photo enrolled, second probing): before, and with every negative.
        public var genuineBefore = Counts()
        public var genuineAfter = Counts()
        public var negatives = 0
        public var lookalikes: [Lookalike] = []
        public var unreadable: [String] = []
    }

    /// `closest`: how many impostor pairs; `maxPhotos`: other photos per person used as probes.
    public static func run(_ pairs: [FacePair], images: String, probe: ProbeEmbedder, settings: Matcher.Settings,
                           closest: Int, maxPhotos: Int, progress: (String, Int, Int) -> Void = { _, _, _ in })
        throws -> Report {
        var embeddings: [String: [Float]] = [:]
        var report = Report(threshold: settings.threshold)
        func embed(_ photos: [String], _ stage: String) throws {
            let missing = Array(Set(photos.filter { embeddings[$0] == nil })).sorted()
            for (index, photo) in missing.enumerated() {
                do {
                    embeddings[photo] = try probe.embed(ImageFile.read(photo)).embedding
                } catch let problem as ImageFile.Problem {
                    report.unreadable.append("\(photo): \(problem)")
                }
                progress(stage, index + 1, missing.count)
            }
        }
        let impostors = pairs.filter { !$0.samePerson }
        try embed(impostors.flatMap { [$0.first, $0.second] }, "look-alikes")
        let lookalikes = impostors.compactMap { pair -> (pair: FacePair, gap: Float, distance: Float)? in
            guard let a = embeddings[pair.first], let b = embeddings[pair.second] else { return nil }
            let distance = l2Distance(a, b)
            return (pair, abs(distance - settings.threshold), distance)
        }.sorted { $0.gap < $1.gap }.prefix(closest)
        let others = { (photo: String) -> [String] in Array(otherPhotos(of: photo).prefix(maxPhotos)) }
        try embed(lookalikes.flatMap { others($0.pair.first) + others($0.pair.second) }, "their other photos")
        let genuine = pairs.filter(\.samePerson)
        try embed(genuine.flatMap { [$0.first, $0.second] }, "genuine pairs")

        func person(_ photo: String) -> String { ((photo as NSString).deletingLastPathComponent as NSString).lastPathComponent }
        func named(_ photo: String, by matcher: Matcher, as name: String) -> Bool? {
            embeddings[photo].map { matcher.match($0, settings: settings).name == name }
        }
        var negatives: [[Float]] = []
        for (pair, gap, distance) in lookalikes {
            let a = person(pair.first)
            let enrolled = [(name: a, kind: Template.photoKind, embedding: embeddings[pair.first]!)]
            let before = Matcher(templates: enrolled)
            let after = Matcher(templates: enrolled + [(name: a, kind: Template.negativeKind, embedding: embeddings[pair.second]!)])
            negatives.append(embeddings[pair.second]!)
            report.lookalikePairs += 1
            report.widestGap = max(report.widestGap, gap)
            if distance <= settings.threshold { report.lookalikesAcceptedBefore += 1 }
            if named(pair.second, by: after, as: a) == true { report.lookalikesAcceptedAfter += 1 }
            var outcome = Lookalike(enrolled: pair.first, stranger: pair.second, distance: distance)
            for photo in others(pair.second) {
                guard let was = named(photo, by: before, as: a), let now = named(photo, by: after, as: a) else { continue }
                count(&outcome.strangerBefore, was)
                count(&outcome.strangerAfter, now)
                if was, !now { report.repeatMistakesStopped += 1 }
            }
            report.lookalikes.append(outcome)
            report.strangerBefore.add(outcome.strangerBefore)
            report.strangerAfter.add(outcome.strangerAfter)
            for photo in others(pair.first) {
                guard let was = named(photo, by: before, as: a), let now = named(photo, by: after, as: a) else { continue }
                count(&report.ownBefore, was)
                count(&report.ownAfter, now)
            }
        }
        report.negatives = negatives.count
        for pair in genuine {
            guard let enrolled = embeddings[pair.first], embeddings[pair.second] != nil else { continue }
            let name = person(pair.first)
            let photo = [(name: name, kind: Template.photoKind, embedding: enrolled)]
            let before = Matcher(templates: photo)
            let after = Matcher(templates: photo + negatives.map { (name: name, kind: Template.negativeKind, embedding: $0) })
            count(&report.genuineBefore, named(pair.second, by: before, as: name)!)
            count(&report.genuineAfter, named(pair.second, by: after, as: name)!)
        }
        return report
    }

    private static func count(_ counts: inout Counts, _ accepted: Bool) {
        counts.probes += 1
        if accepted { counts.accepted += 1 }
    }

    /// The person's other photos in the images folder (`NAME/NAME_000N.jpg`), in order.
    static func otherPhotos(of photo: String) -> [String] {
        let folder = (photo as NSString).deletingLastPathComponent
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.sorted().map { (folder as NSString).appendingPathComponent($0) }
            .filter { $0 != photo && GalleryFiles.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
    }
}
