import ArgumentParser
import Foundation
import GreeterCore

struct VisitsForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Delete visits: their record, face crop and frame.")

    @OptionGroup var location: StateOptions

    @Argument(help: ArgumentHelp("The visits to delete, as `door-greeter visits` lists them.", valueName: "ID"))
    var ids: [String] = []

    @Flag(help: "Delete every visit.")
    var all = false

    func validate() throws {
        if all == !ids.isEmpty { throw ValidationError("give the visit ids to forget, or --all") }
        if let bad = ids.first(where: { !VisitStore.isID($0) }) {
            throw ValidationError("\(bad): not a visit id (YYYYMMDD-HHMMSS-N, as `door-greeter visits` lists them)")
        }
    }

    func run() throws {
        let store = VisitStore(stateDirectory: try location.stateDirectory())
        let known = Set(try store.ids())
        if let missing = ids.first(where: { !known.contains($0) }) {
            throw Failure("\(missing): no such visit in \(store.directory) (`door-greeter visits` lists them); nothing deleted")
        }
        let doomed = all ? try store.ids() : ids
        for id in doomed { try store.forget(id) }
        print("forgot \(doomed.count) visit\(doomed.count == 1 ? "" : "s") in \(store.directory)")
    }
}
