import ArgumentParser
import Foundation
import GreeterCore

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure accuracy on labelled photos.",
        subcommands: [EvalPairsCommand.self, EvalIdentifyCommand.self, EvalMaskedCommand.self, EvalVisitsCommand.self,
                       EvalCorrectionsCommand.self])
}

struct EvalPairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "LFW-protocol verification: 10-fold accuracy, best threshold, ROC, threshold for a chosen FAR.")

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("Pairs file (LFW pairs.txt / pairsDevTrain.txt, or MFR2 pairs.txt).", valueName: "FILE"))
    var pairs: String

    @Option(help: ArgumentHelp("Folder with NAME/NAME_000N.EXT photos.", valueName: "DIR"))
    var images: String

    @Option(help: "Photo file extension in the images folder.")
    var ext = "jpg"

    @Option(help: "Report the threshold that gives this false-accept rate (0...1).")
    var far: Double = 0.001

    @Option(help: "Use only every n-th pair (quick runs).")
    var every = 1

    func run() throws {
        let config = try common.loadConfig()
        let analyzer = try common.analyzer(config)
        let all = try LFWPairs.read(pairs, images: images, fileExtension: ext)
        let chosen = all.enumerated().filter { $0.offset % max(every, 1) == 0 }.map(\.element)
        let probe = ProbeEmbedder(analyzer: analyzer, detection: config.photoDetectorSettings,
                                  aligner: config.aligner)
        var bar = ProgressBar("embedding", json: common.json)
        let result = try PairsEvaluation.run(chosen, probe: probe, threshold: Float(config.recognition.threshold)) {
            bar.update($0, $1)
        }
        let report = result.report
        let atFAR = VerificationReport.point(atFalseAcceptRate: far, result.distances, result.pairs.map(\.samePerson))
        // Named on stderr and counted, never fatal: one missing file must not cost the whole measurement.
        for (photo, reason) in result.unreadable { printError("\(photo): \(reason): its pairs are left out") }
        if common.json {
            return try printJSON(PairsJSON(report: report, atChosenFAR: atFAR, detectorMisses: result.detectorMisses,
                                           unreadable: result.unreadable.map(\.photo),
                                           pairsLeftOut: chosen.count - result.pairs.count))
        }
        if result.pairs.count < chosen.count {
            print("\(chosen.count - result.pairs.count) of \(chosen.count) pairs left out: "
                + "\(result.unreadable.count) photos could not be read")
        }
        print(String(format: "%d pairs: accuracy %.2f %% ± %.2f (10-fold), best threshold %.3f",
                     report.pairs, report.meanAccuracy * 100, report.accuracyStandardDeviation * 100, report.bestThreshold))
        for point in report.roc {
            print(String(format: "  TAR %.2f %% at FAR %.1f %% (threshold %.3f)", point.trueAcceptRate * 100,
                         point.falseAcceptRate * 100, point.threshold))
        }
        print(String(format: "  threshold for FAR ≤ %.2f %%: %.3f (TAR %.2f %%)", far * 100, atFAR.threshold,
                     atFAR.trueAcceptRate * 100))
        if let at = report.atThreshold {
            print(String(format: "  at the configured threshold %.3f: TAR %.2f %%, FAR %.2f %%", at.threshold,
                         at.trueAcceptRate * 100, at.falseAcceptRate * 100))
        }
        print("  detector missed \(result.detectorMisses.count) photos (embedded from a central box)")
    }

    struct PairsJSON: Encodable {
        let report: VerificationReport
        let atChosenFAR: VerificationReport.Point
        let detectorMisses: [String]
        let unreadable: [String]
        let pairsLeftOut: Int
    }
}

struct EvalIdentifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "One-photo-per-person identification: rank-1, confusion matrix, open-set FAR and FRR.")

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("Gallery folder (one photo per person).", valueName: "DIR"))
    var gallery: String

    @Option(help: ArgumentHelp("Probe photos in NAME/ sub-folders; names not in the gallery count as strangers.", valueName: "DIR"))
    var probes: String

    func run() throws {
        let config = try common.loadConfig()
        let analyzer = try common.analyzer(config)
        let report = try GalleryLoader(common: common, config: config, directory: gallery, cache: nil, noCache: false)
            .load(analyzer: analyzer)
        let files = try GalleryFiles.list(probes).filter { !$0.topLevel && $0.isImage }
        let probe = ProbeEmbedder(analyzer: analyzer, detection: config.photoDetectorSettings,
                                  aligner: config.aligner)
        var bar = ProgressBar("identifying", json: common.json)
        let result = try IdentificationReport.run(
            probes: files.map { (path: "\(probes)/\($0.path)", truth: $0.name) }, gallery: report, probe: probe,
            settings: config.matcherSettings) { bar.update($0, $1) }
        if common.json { return try printJSON(result) }
        print(String(format: "%d probes against %d people: rank-1 %.2f %%", result.probes, report.people.count,
                     result.rank1 * 100))
        print(String(format: "  at threshold %.3f: false reject %.2f %%, misidentified %.2f %%", result.threshold,
                     result.falseRejectRate * 100, result.misidentificationRate * 100)
            + (result.falseAcceptRate.map { String(format: ", strangers accepted %.2f %%", $0 * 100) } ?? ""))
        let answers = Array(Set(result.confusion.values.flatMap(\.keys))).sorted()
        print("confusion (rows: truth, columns: answer):")
        print("  " + "".padding(toLength: 20, withPad: " ", startingAt: 0)
            + answers.map { String($0.prefix(10)).padding(toLength: 11, withPad: " ", startingAt: 0) }.joined())
        for truth in result.confusion.keys.sorted() {
            let row = answers.map { String(result.confusion[truth]?[$0] ?? 0).padding(toLength: 11, withPad: " ", startingAt: 0) }
            print("  " + String(truth.prefix(19)).padding(toLength: 20, withPad: " ", startingAt: 0) + row.joined())
        }
    }
}
