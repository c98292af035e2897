import Foundation
import GreeterCore
import Testing

/// Masked faces on MFR2 (26 people, 93 masked and 51 unmasked photos): one unmasked photo per person enrolled, with
/// and without the synthetic masked templates, at the default thresholds. Floors come from measurements (`eval masked`,
/// YuNet + SFace, mirror averaging on): masked rank-1 96.8 % either way, masked probes recognised at the thresholds
/// (1.10, masked 1.06) 78.5 % without and 86.0 % with the standard masks, nobody misidentified, unmasked rank-1
/// 100 %, no MFR2 stranger accepted either way.
@Suite(.serialized) struct MaskedFaceTests {
    static var mfr2: String {
        let path = RealData.datasets + "/mfr2"
        precondition(FileManager.default.fileExists(atPath: path + "/" + MFR2Dataset.labelsFile),
                     "\(path)/\(MFR2Dataset.labelsFile) is missing: the masked-face tests read the MFR2 photos "
                         + "from ../shared/datasets/mfr2")
        return path
    }

    static let probe = ProbeEmbedder(analyzer: RealData.analyzer, detection: .init(minFaceSize: 20), aligner: FaceAligner())

    @Test func maskedTemplatesLiftMaskedRank1WithoutLettingStrangersIn() throws {
        var enrolment = PhotoEnroller.Settings()
        enrolment.augmentations = MaskAugmentation.standard
        let evaluation = MaskedEvaluation(probe: Self.probe, enroller: PhotoEnroller(analyzer: RealData.analyzer, settings: enrolment),
                                          matcher: Config().matcherSettings)
        let report = try evaluation.run(mfr2: try MFR2Dataset(directory: Self.mfr2))
        #expect(report.gallery.count == 26)
        #expect(report.with.masked.probes == 93 && report.with.unmasked.probes == 25)
        #expect(report.detectorMisses.isEmpty, "YuNet finds every masked face: \(report.detectorMisses)")

        let (with, without) = (report.with, report.without)
        #expect(with.masked.rank1 >= 0.95, "masked rank-1 with synthetic templates \(with.masked.rank1)")
        #expect(with.masked.rank1 >= without.masked.rank1, "\(with.masked.rank1) vs \(without.masked.rank1) without")
        #expect(with.masked.accepted >= 0.85 && with.masked.accepted > without.masked.accepted,
                "masked recognised \(with.masked.accepted) with, \(without.masked.accepted) without")
        #expect(with.unmasked.rank1 == 1 && without.unmasked.rank1 == 1)
        #expect(with.unmasked.misidentified == 0 && with.masked.misidentified == 0)
        // The guard: the extra templates accept no stranger that the photos alone would not.
        #expect(with.strangers.maskedFalseAcceptRate <= without.strangers.maskedFalseAcceptRate)
        #expect(with.strangers.unmaskedFalseAcceptRate <= without.strangers.unmaskedFalseAcceptRate)
        // Pair verification at the configured thresholds: more same-person pairs accepted, no more impostors.
        let (plain, templated) = try (#require(report.pairs.plain.atThreshold), #require(report.pairs.withTemplates.atThreshold))
        #expect(templated.trueAcceptRate > plain.trueAcceptRate && templated.falseAcceptRate <= plain.falseAcceptRate)
        #expect(report.unmaskedPairs.plain.pairs + report.maskedPairs.plain.pairs == report.pairs.plain.pairs)
    }

    @Test func galleryListsTheMaskTemplatesOfEachPhoto() throws {
        let folder = RealData.scratch("masked-gallery")
        for name in ["AdrianDunbar_0002", "CharlieBaker_0001"] {
            let person = String(name.prefix { $0 != "_" })
            try FileManager.default.copyItem(atPath: "\(Self.mfr2)/\(person)/\(name).png", toPath: "\(folder)/\(person).png")
        }
        // The configuration's default (gallery.masked_templates = true) is what turns the masks on.
        let report = try Gallery(directory: folder, analyzer: RealData.analyzer, settings: Config().gallerySettings,
                                 cachePath: nil).scan()
        let kinds = ["photo"] + MaskAugmentation.catalogue.map(\.kind)
        #expect(kinds.contains("mask:surgical-blue") && kinds.contains("mask:black"))
        #expect(report.people.map(\.templates) == [kinds, kinds], "\(report.people)")
        #expect(report.matcher.templateCount == 2 * kinds.count)
    }

    @Test func yunetFindsTheMaskedFacesMTCNNNeedsASecondLookFor() throws {
        for name in ["ArifAlvi/ArifAlvi_0002", "CharlieBaker/CharlieBaker_0007"] {
            let image = try RealData.image("\(Self.mfr2)/\(name).png")
            let faces = try RealData.analyzer.detector.detect(image, settings: .init(model: .yunet, minFaceSize: 20))
            #expect(faces.count == 1 && (faces.first?.box.width ?? 0) > 70, "\(name): \(faces)")
        }
    }

    @Test func detectorSecondLookFindsMaskedFacesTheCascadeMisses() throws {
        // An N95 that R-net doubts (0.55) though O-net is sure, and a cloth mask on a face cut by the border that
        // O-net scores 0.66: both under the 0.7 thresholds at the pyramid's own scales.
        for name in ["ArifAlvi/ArifAlvi_0002", "CharlieBaker/CharlieBaker_0007"] {
            let image = try RealData.image("\(Self.mfr2)/\(name).png")
            let detector = RealData.analyzer.detector
            #expect(try detector.detect(image, settings: .init(model: .mtcnn, minFaceSize: 20, nearMiss: nil)).isEmpty, "\(name)")
            let faces = try detector.detect(image, settings: .init(model: .mtcnn, minFaceSize: 20))
            #expect(faces.count == 1, "\(name): \(faces)")
            #expect((faces.first?.box.width ?? 0) > 70, "\(name): \(faces)")
        }
    }

    @Test func maskCoversNoseAndMouthAndLeavesTheEyes() throws {
        let landmarks = Landmarks(leftEye: Point(x: 80, y: 100), rightEye: Point(x: 120, y: 100), nose: Point(x: 100, y: 122),
                                  mouthLeft: Point(x: 84, y: 144), mouthRight: Point(x: 116, y: 144))
        let face = DetectedFace(box: Rect(x: 55, y: 60, width: 90, height: 120), score: 1, landmarks: landmarks)
        let grey = Image(width: 200, height: 220, pixels: [UInt8](repeating: 128, count: 200 * 220 * 3))
        func pixel(_ image: Image, _ x: Int, _ y: Int) -> [UInt8] { Array(image.pixels[(y * 200 + x) * 3..<(y * 200 + x) * 3 + 3]) }
        for mask in MaskAugmentation.catalogue {
            var image = grey
            mask.draw(on: &image, face: face)
            for (x, y) in [(100, 130), (84, 144), (116, 144), (100, 160)] {
                #expect(pixel(image, x, y) != [128, 128, 128], "\(mask.kind) leaves (\(x), \(y)) of the lower face bare")
            }
            for (x, y) in [(80, 100), (120, 100), (100, 85), (100, 200)] {
                #expect(pixel(image, x, y) == [128, 128, 128], "\(mask.kind) covers (\(x), \(y)) (eyes, brow, below the chin)")
            }
        }
    }

    @Test func syntheticTemplatesAcceptOnlyWithinTheirStricterThreshold() {
        let matcher = Matcher(templates: [(name: "A", kind: "photo", embedding: [1, 0, 0, 0]),
                                          (name: "A", kind: "mask:black", embedding: [0, 1, 0, 0]),
                                          (name: "B", kind: "photo", embedding: [0, 0, 0, 1])], dimension: 4)
        let settings = Matcher.Settings(threshold: 1.0, ambiguityMargin: 0.08, syntheticThreshold: 0.75)
        func probe(near axis: Int, distance: Float) -> [Float] {
            // A unit vector at `distance` from the unit vector on `axis`, leaning toward the third axis.
            let cos = 1 - distance * distance / 2
            var v: [Float] = [0, 0, (1 - cos * cos).squareRoot(), 0]
            v[axis] = cos
            return v
        }
        #expect(matcher.match(probe(near: 1, distance: 0.7), settings: settings).name == "A")
        let outside = matcher.match(probe(near: 1, distance: 0.85), settings: settings)
        #expect(outside.verdict == .unknown && outside.best?.name == "A" && outside.best?.template == "mask:black")
        #expect(matcher.match(probe(near: 0, distance: 0.85), settings: settings).name == "A")
    }

    @Test func labelProblemsNameTheFileAndLine() throws {
        let folder = RealData.scratch("mfr2-labels")
        #expect(throws: MFR2Dataset.Problem.self) { try MFR2Dataset(directory: folder) }
        try "Ann 2 mask\n".write(toFile: folder + "/mfr2_labels.txt", atomically: true, encoding: .utf8)
        do {
            _ = try MFR2Dataset(directory: folder)
            Issue.record("a bad label line was accepted")
        } catch let problem as MFR2Dataset.Problem {
            #expect(problem.description.contains("mfr2_labels.txt:1: expected 'NAME, N, KIND'"),
                    "\(problem)")
        }
    }
}
