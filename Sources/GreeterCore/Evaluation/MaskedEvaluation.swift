/// Masked-face evaluation on MFR2: each person's first unmasked photo is enrolled (with the enroller's synthetic
/// templates), every other photo is a probe. Optionally LFW pairs add a larger population of strangers.
public struct MaskedEvaluation: Sendable {
    public var probe: ProbeEmbedder
    /// Its `settings.augmentations` are the synthetic templates under test.
    public var enroller: PhotoEnroller
    public var matcher: Matcher.Settings
    /// Synthetic thresholds of the report's sweep: 0.01 steps where the choice lies.
    public var sweep: [Float] = (90...120).map { Float($0) / 100 }

    public init(probe: ProbeEmbedder, enroller: PhotoEnroller, matcher: Matcher.Settings) {
        self.probe = probe; self.enroller = enroller; self.matcher = matcher
    }

    /// `progress(phase, done, total)` is called as photos are embedded.
    public func run(mfr2: MFR2Dataset, lfwPairs: [FacePair]? = nil,
                    progress: (String, Int, Int) -> Void = { _, _, _ in }) throws -> MaskedReport {
        let photos = try TemplatedPhoto.embedAll(mfr2.photos.map(\.path), probe: probe, enroller: enroller) {
            progress("MFR2", $0, $1)
        }
        let pairs = try LFWPairs.read(mfr2.pairsPath, images: mfr2.directory, fileExtension: "png")
        guard pairs.allSatisfy({ photos[$0.first] != nil && photos[$0.second] != nil }) else {
            throw MFR2Dataset.Problem(description: "\(mfr2.pairsPath) names photos that \(MFR2Dataset.labelsFile) does not list")
        }
        let masked = Set(mfr2.photos.filter(\.masked).map(\.path))
        let (withMask, withoutMask) = (pairs.filter { masked.contains($0.first) || masked.contains($0.second) },
                                       pairs.filter { !masked.contains($0.first) && !masked.contains($0.second) })
        let lfw = try lfwPairs.map { try embedLFW($0, progress: progress) } ?? [:]
        let scoring = Scoring(mfr2: mfr2, photos: photos, lfw: lfw, settings: matcher)
        return MaskedReport(
            threshold: matcher.threshold, syntheticThreshold: matcher.syntheticThreshold,
            ambiguityMargin: matcher.ambiguityMargin,
            gallery: scoring.gallery.map(\.path), templateKinds: enroller.settings.augmentations.map(\.kind),
            detectorMisses: mfr2.photos.filter { !photos[$0.path]!.detected }.map(\.path),
            without: scoring.condition(synthetic: false), with: scoring.condition(synthetic: true),
            pairs: TemplatePairsReport(pairs: pairs, photos: photos, settings: matcher),
            maskedPairs: TemplatePairsReport(pairs: withMask, photos: photos, settings: matcher),
            unmaskedPairs: TemplatePairsReport(pairs: withoutMask, photos: photos, settings: matcher),
            lfwPairs: lfwPairs.map { TemplatePairsReport(pairs: $0, photos: lfw, settings: matcher) },
            sweep: sweep.map { syntheticThreshold in
                var settings = matcher
                settings.syntheticThreshold = syntheticThreshold
                let with = scoring.with(settings).condition(synthetic: true)
                return MaskedReport.SweepPoint(
                    syntheticThreshold: syntheticThreshold, maskedAccepted: with.masked.accepted,
                    unmaskedAccepted: with.unmasked.accepted, strangerFalseAcceptRate: with.strangers.pooledFalseAcceptRate,
                    lfwPairsFalseAcceptRate: lfwPairs.map { Self.falseAcceptRate($0, lfw, settings) },
                    halves: (0..<2).map { scoring.with(settings).half($0) })
            })
    }

    /// Only the enrolled (first) photo of a pair needs synthetic templates; probes are embedded plainly.
    private func embedLFW(_ pairs: [FacePair], progress: (String, Int, Int) -> Void) throws -> [String: TemplatedPhoto] {
        let enrolled = Set(pairs.map(\.first))
        var plain = enroller
        plain.settings.augmentations = []
        var photos = try TemplatedPhoto.embedAll(Array(enrolled), probe: probe, enroller: enroller) {
            progress("LFW enrolled", $0, $1)
        }
        let probes = Set(pairs.map(\.second)).subtracting(enrolled)
        photos.merge(try TemplatedPhoto.embedAll(Array(probes), probe: probe, enroller: plain) {
            progress("LFW probes", $0, $1)
        }) { first, _ in first }
        return photos
    }

    private static func falseAcceptRate(_ pairs: [FacePair], _ photos: [String: TemplatedPhoto],
                                        _ settings: Matcher.Settings) -> Double {
        let impostors = pairs.filter { !$0.samePerson }
        let accepted = impostors.filter {
            photos[$0.first]!.distance(to: photos[$0.second]!.embedding, calibratedBy: settings) <= settings.threshold
        }
        return Double(accepted.count) / Double(max(impostors.count, 1))
    }
}

/// Matching of the embedded photos under one matcher setting.
private struct Scoring {
    let mfr2: MFR2Dataset
    let photos: [String: TemplatedPhoto]
    let lfw: [String: TemplatedPhoto]
    let settings: Matcher.Settings
    let gallery: [MFR2Dataset.Photo]
    let probes: [MFR2Dataset.Photo]

    init(mfr2: MFR2Dataset, photos: [String: TemplatedPhoto], lfw: [String: TemplatedPhoto], settings: Matcher.Settings) {
        self.mfr2 = mfr2; self.photos = photos; self.lfw = lfw; self.settings = settings
        (gallery, probes) = mfr2.enrolmentSplit()
    }

    func with(_ settings: Matcher.Settings) -> Scoring {
        Scoring(mfr2: mfr2, photos: photos, lfw: lfw, settings: settings)
    }

    func matcher(_ enrolled: [MFR2Dataset.Photo], synthetic: Bool) -> Matcher {
        Matcher(templates: enrolled.flatMap { photo in
            photos[photo.path]!.templates(synthetic: synthetic).map { (name: photo.person, kind: $0.kind, embedding: $0.embedding) }
        })
    }

    func condition(synthetic: Bool) -> MaskedReport.Condition {
        let matcher = matcher(gallery, synthetic: synthetic)
        return MaskedReport.Condition(masked: identification(probes.filter(\.masked), matcher),
                                      unmasked: identification(probes.filter { !$0.masked }, matcher),
                                      strangers: strangers(synthetic: synthetic))
    }

    private func rate(_ count: Int, _ total: Int) -> Double { Double(count) / Double(max(total, 1)) }

    /// Half `half` of the people (alternate names in sorted order) as a door of its own (`MaskedReport.Half`).
    func half(_ half: Int) -> MaskedReport.Half {
        let enrolled = Set(gallery.map(\.person).sorted().enumerated().filter { $0.offset % 2 == half }.map(\.element))
        let door = gallery.filter { enrolled.contains($0.person) }
        let matcher = matcher(door, synthetic: true)
        let own = probes.filter { enrolled.contains($0.person) }
        let lfwNames = Set(lfwStrangers.map { Self.lfwName($0.path) }).sorted()
        let lfwHalf = Set(lfwNames.enumerated().filter { $0.offset % 2 == half }.map(\.element))
        let lfw = lfwStrangers.filter { lfwHalf.contains(Self.lfwName($0.path)) }
        return MaskedReport.Half(masked: identification(own.filter(\.masked), matcher),
                                 unmasked: identification(own.filter { !$0.masked }, matcher),
                                 strangers: strangers(door, synthetic: true, lfw: lfw),
                                 strangersWithoutTemplates: strangers(door, synthetic: false, lfw: lfw))
    }

    /// LFW photos of people whose name is not an MFR2 person's.
    private var lfwStrangers: [TemplatedPhoto] {
        let known = Set(gallery.map { Self.nameKey($0.person) })
        return lfw.values.filter { !known.contains(Self.nameKey(Self.lfwName($0.path))) }.sorted { $0.path < $1.path }
    }

    private func identification(_ probes: [MFR2Dataset.Photo], _ matcher: Matcher) -> MaskedReport.Identification {
        let matches = probes.map { matcher.match(photos[$0.path]!.embedding, settings: settings) }
        let right = zip(probes, matches).map { $1.best?.name == $0.person }
        var byMask: [String: Double] = [:]
        for mask in Set(probes.map(\.mask)) {
            let indices = probes.indices.filter { probes[$0].mask == mask }
            byMask[mask] = rate(indices.filter { right[$0] }.count, indices.count)
        }
        let missed = zip(probes, matches).filter { $1.name != $0.person }.map { probe, match in
            MaskedReport.Miss(path: probe.path, mask: probe.mask, verdict: match.verdict, best: match.best, second: match.second)
        }
        return MaskedReport.Identification(
            probes: probes.count, rank1: rate(right.filter { $0 }.count, probes.count),
            accepted: rate(probes.count - missed.count, probes.count),
            misidentified: rate(missed.filter { $0.verdict == .known }.count, probes.count),
            rank1ByMask: byMask, missed: missed)
    }

    /// The people split into two halves by name order; each half's photos are strangers to the other's gallery.
    /// LFW people whose name is not an MFR2 person's are strangers to the whole gallery.
    private func strangers(synthetic: Bool) -> MaskedReport.Strangers {
        let people = gallery.map(\.person).sorted()
        let halves = (0..<2).map { half in
            let enrolled = Set(people.enumerated().filter { $0.offset % 2 == half }.map(\.element))
            return strangers(gallery.filter { enrolled.contains($0.person) }, synthetic: synthetic, lfw: [])
        }
        let lfw = strangers(gallery, synthetic: synthetic, lfw: lfwStrangers)
        func pooled(_ rate: KeyPath<MaskedReport.Strangers, Double>, _ count: KeyPath<MaskedReport.Strangers, Int>) -> Double {
            let total = halves.map { $0[keyPath: count] }.reduce(0, +)
            return halves.map { $0[keyPath: rate] * Double($0[keyPath: count]) }.reduce(0, +) / Double(max(total, 1))
        }
        return MaskedReport.Strangers(
            maskedProbes: halves.map(\.maskedProbes).reduce(0, +), maskedFalseAcceptRate: pooled(\.maskedFalseAcceptRate, \.maskedProbes),
            unmaskedProbes: halves.map(\.unmaskedProbes).reduce(0, +),
            unmaskedFalseAcceptRate: pooled(\.unmaskedFalseAcceptRate, \.unmaskedProbes),
            lfwProbes: self.lfw.isEmpty ? nil : lfw.lfwProbes, lfwFalseAcceptRate: self.lfw.isEmpty ? nil : lfw.lfwFalseAcceptRate)
    }

    /// The MFR2 photos of people not in `door`, and the `lfw` photos, against `door`'s gallery.
    private func strangers(_ door: [MFR2Dataset.Photo], synthetic: Bool, lfw: [TemplatedPhoto]) -> MaskedReport.Strangers {
        let enrolled = Set(door.map(\.person)), people = Set(gallery.map(\.person))
        let matcher = matcher(door, synthetic: synthetic)
        func known(_ embedding: [Float]) -> Bool { matcher.match(embedding, settings: settings).verdict == .known }
        let others = mfr2.photos.filter { !enrolled.contains($0.person) && people.contains($0.person) }
        let (masked, unmasked) = (others.filter(\.masked), others.filter { !$0.masked })
        return MaskedReport.Strangers(
            maskedProbes: masked.count, maskedFalseAcceptRate: rate(masked.filter { known(photos[$0.path]!.embedding) }.count, masked.count),
            unmaskedProbes: unmasked.count,
            unmaskedFalseAcceptRate: rate(unmasked.filter { known(photos[$0.path]!.embedding) }.count, unmasked.count),
            lfwProbes: lfw.count, lfwFalseAcceptRate: rate(lfw.filter { known($0.embedding) }.count, lfw.count))
    }

    /// "Gavin_Newsom" (LFW) and "GavinNewsom" (MFR2) are the same person.
    static func nameKey(_ name: String) -> String { name.filter(\.isLetter).lowercased() }

    /// LFW paths are `.../NAME/NAME_000N.jpg`.
    static func lfwName(_ path: String) -> String { String(path.split(separator: "/").dropLast().last ?? "") }
}
