import ArgumentParser
import Foundation
import GreeterCore

struct EvalMaskedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masked",
        abstract: "Masked faces (MFR2): rank-1 of masked and unmasked probes against one unmasked photo per person, "
            + "with and without synthetic masked templates, pair verification, and strangers accepted.")

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("MFR2 folder (NAME/NAME_000N.png, mfr2_labels.txt, pairs.txt).", valueName: "DIR"))
    var mfr2: String

    @Option(help: ArgumentHelp("Synthetic templates to test, comma-separated (default: the standard set).",
                               valueName: "KINDS"))
    var templates: String?

    @Option(help: ArgumentHelp("LFW pairs file: its different-person pairs and its people are strangers to check "
        + "false accepts on.", valueName: "FILE"))
    var lfwPairs: String?

    @Option(help: ArgumentHelp("Folder with the LFW photos (NAME/NAME_000N.jpg).", valueName: "DIR"))
    var lfwImages: String?

    @Option(help: "Use only every n-th LFW pair (quick runs).")
    var every = 1

    @Option(help: ArgumentHelp("Write each enrolled photo's template chips here as PNG, to look at.", valueName: "DIR"))
    var chips: String?

    func validate() throws {
        guard (lfwPairs == nil) == (lfwImages == nil) else {
            throw ValidationError("--lfw-pairs and --lfw-images go together")
        }
        guard every >= 1 else { throw ValidationError("--every must be at least 1, got \(every)") }
    }

    func run() throws {
        let config = try common.loadConfig()
        let analyzer = try common.analyzer(config)
        let dataset = try MFR2Dataset(directory: mfr2)
        var enrolment = config.gallerySettings.enrolment
        enrolment.augmentations = try chosenAugmentations()
        let probe = ProbeEmbedder(analyzer: analyzer, detection: config.photoDetectorSettings,
                                  aligner: config.aligner)
        let evaluation = MaskedEvaluation(probe: probe, enroller: PhotoEnroller(analyzer: analyzer, settings: enrolment),
                                          matcher: config.matcherSettings)
        let lfw = try lfwPairs.map { file in
            try LFWPairs.read(file, images: lfwImages!).enumerated().filter { $0.offset % every == 0 }.map(\.element)
        }
        if let chips { try TemplateChips.write(dataset.enrolmentSplit().gallery.map(\.path), probe: probe,
                                               enrolment: enrolment, to: chips) }
        var bar: (label: String, bar: ProgressBar)?
        let report = try evaluation.run(mfr2: dataset, lfwPairs: lfw) { phase, done, total in
            if bar?.label != phase { bar = (phase, ProgressBar("embedding \(phase)", json: common.json)) }
            bar?.bar.update(done, total)
        }
        if common.json { return try printJSON(report) }
        print(MaskedReportText(report).lines.joined(separator: "\n"))
    }

    private func chosenAugmentations() throws -> [any TemplateAugmentation] {
        guard let templates else { return MaskAugmentation.standard }
        let known = Dictionary(uniqueKeysWithValues: MaskAugmentation.catalogue.map { ($0.style.name, $0) })
        return try templates.split(separator: ",").map { name in
            let name = name.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "mask:", with: "")
            guard let augmentation = known[name] else {
                throw ValidationError("--templates: unknown kind '\(name)'; known: "
                    + known.keys.sorted().joined(separator: ", "))
            }
            return augmentation
        }
    }
}

/// The report as text, figures in percent.
struct MaskedReportText {
    let lines: [String]

    init(_ r: MaskedReport) {
        func pct(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        func pct(_ x: Double?) -> String { x.map { pct($0) } ?? "-" }
        var lines = ["\(r.gallery.count) people enrolled from one unmasked photo each; synthetic templates: "
            + (r.templateKinds.isEmpty ? "none" : r.templateKinds.joined(separator: ", "))]
        lines.append(String(format: "thresholds %.3f (photos), %.3f (synthetic templates), ambiguity margin %.3f",
                            r.threshold, r.syntheticThreshold, r.ambiguityMargin))
        for (title, c) in [("without synthetic templates", r.without), ("with synthetic templates", r.with)] {
            lines.append("\(title):")
            for (what, id) in [("masked probes", c.masked), ("unmasked probes", c.unmasked)] {
                lines.append("  \(what) (\(id.probes)): rank-1 \(pct(id.rank1)), recognised at the thresholds "
                    + "\(pct(id.accepted)), misidentified \(pct(id.misidentified))")
            }
            let s = c.strangers
            lines.append("  strangers accepted: MFR2 masked \(pct(s.maskedFalseAcceptRate)) of \(s.maskedProbes), "
                + "unmasked \(pct(s.unmaskedFalseAcceptRate)) of \(s.unmaskedProbes)"
                + (s.lfwProbes.map { ", LFW \(pct(s.lfwFalseAcceptRate)) of \($0)" } ?? ""))
        }
        lines.append("masked rank-1 by mask (without → with):")
        for mask in r.with.masked.rank1ByMask.keys.sorted() {
            lines.append("  \(mask): \(pct(r.without.masked.rank1ByMask[mask])) → \(pct(r.with.masked.rank1ByMask[mask]))")
        }
        for (title, pairs) in [("MFR2 pairs", Optional(r.pairs)), ("MFR2 pairs with a mask", r.maskedPairs),
                               ("MFR2 pairs without masks", r.unmaskedPairs), ("LFW pairs", r.lfwPairs)] {
            guard let pairs else { continue }
            for (label, v) in [("plain", pairs.plain), ("with templates", pairs.withTemplates)] {
                lines.append(String(format: "%@ (%d, first photo enrolled) %@: accuracy %.2f %% ± %.2f, best threshold %.3f",
                                    title, v.pairs, label, v.meanAccuracy * 100, v.accuracyStandardDeviation * 100,
                                    v.bestThreshold)
                    + (v.atThreshold.map { "; at the thresholds TAR \(pct($0.trueAcceptRate)), FAR \(pct($0.falseAcceptRate))" } ?? ""))
            }
        }
        lines.append("masked probes missed with synthetic templates (verdict, nearest, second):")
        for miss in r.with.masked.missed {
            func candidate(_ c: Matcher.Candidate?) -> String {
                c.map { String(format: "%@ %.3f (%@)", $0.name, $0.distance, $0.template) } ?? "-"
            }
            lines.append("  \((miss.path as NSString).lastPathComponent) [\(miss.mask)]: \(miss.verdict.rawValue), "
                + "\(candidate(miss.best)); \(candidate(miss.second))")
        }
        lines.append("synthetic threshold sweep (masked / unmasked recognised; strangers accepted; LFW impostor pairs accepted)"
            + " | per half of the people, as a door of its own: masked recognised, misidentified; strangers accepted"
            + " (without synthetic templates):")
        for p in r.sweep {
            let halves = p.halves.enumerated().map { index, h in
                "half \(index): \(pct(h.masked.accepted)), \(pct(h.masked.misidentified)); "
                    + "\(pct(h.strangers.pooledFalseAcceptRate)) (\(pct(h.strangersWithoutTemplates.pooledFalseAcceptRate)))"
            }
            lines.append(String(format: "  %.3f: ", p.syntheticThreshold) + "\(pct(p.maskedAccepted)) / \(pct(p.unmaskedAccepted)); "
                + "\(pct(p.strangerFalseAcceptRate)); \(pct(p.lfwPairsFalseAcceptRate)) | " + halves.joined(separator: " | "))
        }
        if !r.detectorMisses.isEmpty {
            lines.append("detector missed \(r.detectorMisses.count) photos: "
                + r.detectorMisses.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
        }
        self.lines = lines
    }
}
