import ArgumentParser
import Foundation
import GreeterCore

struct EvalVisitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visits",
        abstract: "Wrong-name greetings of strangers and greetings of enrolled people over simulated visits.",
        discussion: """
            LFW people are split into galleries of --group people (first photo enrolled); everyone else visits each \
            gallery as a stranger (their photos in turn, repeated up to decision.window looks), and each enrolled \
            person visits with their other photos. Even groups are the tuning half, odd ones the reporting half.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("LFW people file (peopleDevTrain.txt).", valueName: "FILE"))
    var people: String

    @Option(help: ArgumentHelp("Folder with NAME/NAME_000N.jpg photos.", valueName: "DIR"))
    var images: String

    @Option(help: "People in one gallery.")
    var group = 25

    @Option(help: "Only people with at least this many photos (one enrolled, the rest visit).")
    var minPhotos = 3

    @Option(help: "Photos per person used.")
    var maxPhotos = 4

    @Option(help: ArgumentHelp("Confident margins to try, as fractions of the threshold.", valueName: "M,..."))
    var margins = "0.15,0.2,0.25,0.3,0.4"

    func run() throws {
        let config = try common.loadConfig()
        let analyzer = try common.analyzer(config)
        let chosen = try VisitEvaluation.people(file: people, images: images, minPhotos: max(minPhotos, 2),
                                                maxPhotos: max(maxPhotos, 2))
        let margins = try numberList(self.margins, option: "--margins", what: "a fraction in (0, 1]", in: 0...1)
        let probe = ProbeEmbedder(analyzer: analyzer, detection: config.photoDetectorSettings, aligner: config.aligner)
        var bar = ProgressBar("embedding", json: common.json)
        let report = VisitEvaluation.run(chosen, probe: probe, groupSize: max(group, 1), margins: margins,
                                         rule: try PipelineSettings(config).decision) { bar.update($0, $1) }
        if common.json { return try printJSON(report) }
        let rule = try PipelineSettings(config).decision
        print("\(report.people) people, \(report.photos) photos, \(report.groups) galleries of \(group); "
            + "K = \(rule.votesNeeded), N = \(rule.window), threshold \(rule.matcher.threshold)")
        for o in report.outcomes {
            print(String(format: "  margin %.2f %@: strangers greeted wrongly %d of %d visits (%.3f %%); enrolled greeted "
                + "%d of %d (%.1f %%), wrongly %d, at the first look %.1f %%, mean looks %.2f",
                o.confidentMargin, o.half.padding(toLength: 6, withPad: " ", startingAt: 0), o.strangersGreetedWrongly,
                o.strangerVisits, o.wrongRate * 100, o.knownGreeted, o.knownVisits,
                100 * Double(o.knownGreeted) / Double(max(o.knownVisits, 1)), o.knownGreetedWrongly,
                100 * Double(o.greetedAtFirstLook) / Double(max(o.knownGreeted, 1)),
                Double(o.looksToGreet) / Double(max(o.knownGreeted, 1))))
        }
        for problem in report.unreadable { print("  unreadable: \(problem)") }
    }
}
