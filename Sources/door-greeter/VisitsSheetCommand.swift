import ArgumentParser
import Foundation
import GreeterCore

struct VisitsSheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet",
        abstract: "One picture of the visits: a grid of their face crops with name, distance and time under each.")

    @OptionGroup var selection: VisitSelection

    @Argument(help: ArgumentHelp("The picture to write (JPEG).", valueName: "OUT.jpg"))
    var output: String

    func validate() throws {
        guard [".jpg", ".jpeg"].contains(where: output.lowercased().hasSuffix) else {
            throw ValidationError("\(output): expected a file name ending in .jpg")
        }
    }

    func run() throws {
        let store = try selection.store
        let visits = try selection.visits(in: store)
        var tiles: [(Visit, Image)] = []
        for visit in visits {
            guard let face = visit.face else { continue }
            do {
                tiles.append((visit, try ImageFile.read(store.path(of: face))))
            } catch {
                printError("\(store.path(of: face)): \(error); left out")
            }
        }
        let left = visits.count - tiles.count
        guard !tiles.isEmpty else {
            throw Failure("no face crops to show in \(store.directory)\(selection.since.map { " in the last \($0)" } ?? "")"
                + (left > 0 ? " (\(left) visits kept without images)" : ""))
        }
        let sheet = try VisitSheet.draw(tiles.map { visit, face in
            VisitSheet.Tile(face: face, lines: [
                visit.who, visit.people.first.map { "d=\($0.distance.formatted) \(visit.outcome.rawValue)" } ?? visit.outcome.rawValue,
                VisitsListCommand.local(visit.start),
            ], named: visit.outcome == .greeted || visit.outcome == .known)
        })
        do {
            try AtomicFile.write(try ImageFile.jpeg(sheet, quality: 90), to: output)
        } catch {
            throw Failure("cannot write \(output): \(error)")
        }
        print("\(output): \(tiles.count) visits, \(sheet.width)x\(sheet.height)"
            + (left > 0 ? "; \(left) without a face image left out" : ""))
    }
}
