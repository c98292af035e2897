import ArgumentParser
import Foundation
import GreeterCore

struct EvalCorrectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corrections",
        abstract: "What `correct --not` does on look-alikes: repeat mistakes stopped, the person's own recognition kept.",
        discussion: """
            The impostor pairs (A, B) of the pairs file nearest each other (closest to the threshold, accepted or \
            not) whose B has other photos: A enrolled from the pair's photo, B's photo made a negative of A; then B's \
            other photos and A's other photos probe, before and after. Over the genuine pairs, every negative of the \
            run is given to every enrolled person. Measured at each of --thresholds.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("LFW pairs file (pairs.txt / pairsDevTrain.txt).", valueName: "FILE"))
    var pairs: String

    @Option(help: ArgumentHelp("Folder with NAME/NAME_000N.jpg photos.", valueName: "DIR"))
    var images: String

    @Option(help: "How many impostor pairs, those nearest each other.")
    var closest = 50

    @Option(help: "Other photos per person used as probes.")
    var maxPhotos = 10

    @Option(help: "Use only every n-th pair of the file.")
    var every = 1

    @Option(help: ArgumentHelp("Thresholds to measure at (the rule has none of its own). Default: recognition.threshold.", valueName: "T,..."))
    var thresholds: String?

    func run() throws {
        let config = try common.loadConfig()
        let thresholds = try numberList(self.thresholds ?? "\(config.recognition.threshold)", option: "--thresholds",
                                        what: "a distance in (0, 2]", in: 0...2)
        let analyzer = try common.analyzer(config)
        let all = try LFWPairs.read(pairs, images: images)
        let chosen = all.enumerated().filter { $0.offset % max(every, 1) == 0 }.map(\.element)
        let probe = ProbeEmbedder(analyzer: analyzer, detection: config.photoDetectorSettings, aligner: config.aligner)
        var bar = ProgressBar("embedding", json: common.json)
        let report = try CorrectionEvaluation.run(chosen, probe: probe, settings: config.matcherSettings,
                                                  thresholds: thresholds, closest: max(closest, 1),
                                                  maxPhotos: max(maxPhotos, 1)) { bar.update($0, $1) }
        if common.json { return try printJSON(report) }
        func line(_ counts: CorrectionEvaluation.Counts) -> String {
            String(format: "%d of %d (%.1f %%)", counts.accepted, counts.probes, counts.rate * 100)
        }
        let distances = report.lookalikes.map(\.distance)
        print(String(format: "%d look-alike pairs (distances %.3f–%.3f), all %d negatives on every genuine pair",
                     distances.count, distances.min() ?? 0, distances.max() ?? 0, distances.count))
        for o in report.outcomes {
            print(String(format: "  threshold %.3f: look-alikes greeted wrongly %d, after the correction %d", o.threshold,
                         o.lookalikesAccepted, o.lookalikesAcceptedAfter))
            print("    B's other photos named A: before \(line(o.strangerBefore)), after \(line(o.strangerAfter))")
            print("    A's other photos named A: before \(line(o.ownBefore)), after \(line(o.ownAfter))")
            print("    genuine pairs (TAR): before \(line(o.genuineBefore)), after \(line(o.genuineAfter))")
        }
        for problem in report.unreadable { print("  unreadable: \(problem)") }
    }
}
