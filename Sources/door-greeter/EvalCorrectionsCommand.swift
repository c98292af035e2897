import ArgumentParser
import Foundation
import GreeterCore

struct EvalCorrectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corrections",
        abstract: "What `correct --not` does on look-alikes: repeat mistakes stopped, the person's own recognition kept.",
        discussion: """
            The impostor pairs (A, B) of the pairs file closest to the threshold (accepted or not): A enrolled from \
            the pair's photo, B's photo made a negative of A; then B's other photos and A's other photos probe, \
            before and after. Over the genuine pairs, every negative of the run is given to every enrolled person.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("LFW pairs file (pairs.txt / pairsDevTrain.txt).", valueName: "FILE"))
    var pairs: String

    @Option(help: ArgumentHelp("Folder with NAME/NAME_000N.jpg photos.", valueName: "DIR"))
    var images: String

    @Option(help: "How many impostor pairs, those closest to the threshold.")
    var closest = 50

    @Option(help: "Other photos per person used as probes.")
    var maxPhotos = 10

    @Option(help: "Use only every n-th pair of the file.")
    var every = 1

    func run() throws {
        let config = try common.loadConfig()
        let analyzer = try common.analyzer(config)
        let all = try LFWPairs.read(pairs, images: images)
        let chosen = all.enumerated().filter { $0.offset % max(every, 1) == 0 }.map(\.element)
        let probe = ProbeEmbedder(analyzer: analyzer, detection: config.photoDetectorSettings, aligner: config.aligner)
        var bar = ProgressBar("embedding", json: common.json)
        let r = try CorrectionEvaluation.run(chosen, images: images, probe: probe, settings: config.matcherSettings,
                                             closest: max(closest, 1), maxPhotos: max(maxPhotos, 1)) { _, done, total in
            bar.update(done, total)
        }
        if common.json { return try printJSON(r) }
        func line(_ counts: CorrectionEvaluation.Counts) -> String {
            String(format: "%d of %d (%.1f %%)", counts.accepted, counts.probes, counts.rate * 100)
        }
        print(String(format: "%d look-alike pairs within %.3f of the threshold %.3f; %d of them accepted (greeted wrongly) before, %d after",
                     r.lookalikePairs, r.widestGap, r.threshold, r.lookalikesAcceptedBefore, r.lookalikesAcceptedAfter))
        print("  B's other photos named A: before \(line(r.strangerBefore)), after \(line(r.strangerAfter)); "
            + "repeat mistakes stopped \(r.repeatMistakesStopped) of \(r.strangerBefore.accepted)")
        print("  A's other photos named A: before \(line(r.ownBefore)), after \(line(r.ownAfter))")
        print("  genuine pairs accepted (TAR): before \(line(r.genuineBefore)), with all \(r.negatives) negatives on "
            + "every person \(line(r.genuineAfter))")
        for problem in r.unreadable { print("  unreadable: \(problem)") }
    }
}
