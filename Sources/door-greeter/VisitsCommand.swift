import ArgumentParser
import Foundation
import GreeterCore

struct VisitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visits",
        abstract: "The visit log: who came when, greeted or why not (reads the state folder, also while the daemon runs).",
        discussion: """
            Each face the daemon decided on is a visit in STATE/visits: its times, the people and distances behind \
            the decision, the best face crop and a small frame. The journal line of a greeting or an unknown \
            visitor names the visit (visit=ID).
            """,
        subcommands: [VisitsListCommand.self, VisitsSheetCommand.self, VisitsForgetCommand.self],
        defaultSubcommand: VisitsListCommand.self)
}

/// Which visits a command looks at.
struct VisitSelection: ParsableArguments {
    @OptionGroup var location: StateOptions

    @Option(help: ArgumentHelp("Only visits that started within this time: 90s, 30m, 2h, 7d, 2w.", valueName: "DURATION"))
    var since: String?

    @Flag(help: "Only faces that were not named (unknown or ambiguous).")
    var unknown = false

    func validate() throws {
        if let since, Self.seconds(since) == nil {
            throw ValidationError("--since \(since): not a duration; expected a number and a unit, e.g. 90s, 30m, 2h, 7d or 2w")
        }
    }

    var store: VisitStore {
        get throws { VisitStore(stateDirectory: try location.stateDirectory()) }
    }

    /// The selected visits, oldest first.
    func visits(in store: VisitStore) throws -> [Visit] {
        let from = since.flatMap(Self.seconds).map { Date(timeIntervalSinceNow: -$0) } ?? .distantPast
        return try store.all().filter { $0.start >= from && (!unknown || $0.outcome == .unknown || $0.outcome == .ambiguous) }
    }

    static func seconds(_ text: String) -> Double? {
        guard let match = text.wholeMatch(of: /([0-9]+(?:\.[0-9]+)?)([smhdw])/), let value = Double(match.1) else { return nil }
        let unit: Double = switch match.2 {
        case "s": 1
        case "m": 60
        case "h": 3600
        case "d": 86_400
        default: 604_800
        }
        return value * unit
    }
}

struct VisitsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "A table of the visits: when, who (or unknown), distances, greeted or why not.")

    @OptionGroup var selection: VisitSelection

    @Flag(help: "Print machine-readable JSON on stdout.")
    var json = false

    struct Listing: Encodable {
        let directory: String
        let visits: [Visit]
    }

    func run() throws {
        let store = try selection.store
        let visits = try selection.visits(in: store)
        if json {
            let listing = try VisitStore.encoder.encode(Listing(directory: store.directory, visits: visits))
            return FileHandle.standardOutput.write(listing + Data("\n".utf8))
        }
        guard !visits.isEmpty else { return print("no visits in \(store.directory)\(selection.since.map { " in the last \($0)" } ?? "")") }
        let rows = [["when", "visit", "who", "distances", "outcome"]] + visits.map { visit in
            [Self.local(visit.start), visit.id, visit.who,
             visit.people.map { "\($0.name) \($0.distance.formatted)" }.joined(separator: ", "), visit.verdict]
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }

    static func local(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}

extension Visit {
    /// The name, or what the face was instead.
    var who: String {
        switch outcome {
        case .greeted, .known: people.first?.name ?? "?"
        case .unknown, .ambiguous: outcome.rawValue
        }
    }

    /// Greeted, or why not.
    var verdict: String {
        switch outcome {
        case .greeted: "greeted"
        case .known: "not greeted" + (reason.map { ": \($0)" } ?? "")
        case .unknown: "not named: nobody near enough"
        case .ambiguous: "not named: " + (reason ?? "ambiguous")
        }
    }
}
