import Foundation
import GreeterCore
import Testing

/// The visit folder's bookkeeping, with the clock given: retention by age and count, forgetting, modes and
/// `visits.enabled = false`.
@Suite struct VisitStoreTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    /// A visit `daysAgo` before `now`, on track `track`, with a face crop and a frame.
    static func keep(_ store: VisitStore, daysAgo: Double, track: Int) throws -> Visit {
        let start = now.addingTimeInterval(-daysAgo * 86_400)
        let visit = Visit(id: VisitStore.baseID(start: start, track: track), start: start, end: start + 3,
                          outcome: .greeted, reason: nil, people: [.init(name: "Alice", distance: 0.8)],
                          face: nil, frame: nil)
        let jpeg = try ImageFile.jpeg(Image(width: 8, height: 8))
        try store.write(visit, face: jpeg, frame: jpeg)
        return try store.visit(visit.id)
    }

    static func files(_ store: VisitStore) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted()
    }

    @Test func idsSortByTimeAndSayWhen() {
        let id = VisitStore.baseID(start: Date(timeIntervalSince1970: 1_764_617_523), track: 7)
        #expect(id == "20251201-193203-7")
        #expect(VisitStore.isID(id) && VisitStore.isID(id + "-2"))
        #expect(!VisitStore.isID("../20251201-193203-7") && !VisitStore.isID("20251201-1932-7") && !VisitStore.isID(""))
    }

    @Test func writesPrivateFilesInAPrivateFolderAndReadsThemBack() throws {
        try withTemporaryStateDirectory { state in
            let store = VisitStore(stateDirectory: state)
            let visit = try Self.keep(store, daysAgo: 0, track: 1)
            #expect(visit.face == visit.id + ".jpg" && visit.frame == visit.id + "-frame.jpg")
            #expect(try store.all().map(\.id) == [visit.id])
            #expect(try Self.files(store) == [visit.id + "-frame.jpg", visit.id + ".jpg", visit.id + ".json"])
            #expect(try FileManager.default.attributesOfItem(atPath: store.directory)[.posixPermissions] as? Int == 0o700)
            for file in try Self.files(store) {
                #expect(try FileManager.default.attributesOfItem(atPath: store.path(of: file))[.posixPermissions] as? Int == 0o600, "\(file)")
            }
        }
    }

    @Test func prunesByAgeThenByCount() throws {
        try withTemporaryStateDirectory { state in
            let store = VisitStore(stateDirectory: state)
            let old = try Self.keep(store, daysAgo: 31, track: 1)
            let visits = try (2...6).map { try Self.keep(store, daysAgo: Double(7 - $0), track: $0) }
            #expect(try store.prune(keepDays: 30, maxCount: 10, now: Self.now) == [old.id])
            #expect(try store.prune(keepDays: 30, maxCount: 3, now: Self.now) == visits.prefix(2).map(\.id))
            #expect(try store.all().map(\.id) == visits.suffix(3).map(\.id))
            // Nothing of the pruned ones is left, images included.
            #expect(try Self.files(store).count == 9)
        }
    }

    @Test func forgetsAVisitAndItsImagesAndCleansUpHalfForgottenOnes() throws {
        try withTemporaryStateDirectory { state in
            let store = VisitStore(stateDirectory: state)
            let a = try Self.keep(store, daysAgo: 1, track: 1), b = try Self.keep(store, daysAgo: 0, track: 2)
            try store.forget(a.id)
            #expect(try Self.files(store).allSatisfy { $0.hasPrefix(b.id) })
            #expect(throws: SystemError.self) { try store.visit(a.id) }
            // A crash between the record and its images leaves images without a record: pruning removes them.
            try FileManager.default.removeItem(atPath: store.path(of: b.id + ".json"))
            try store.prune(keepDays: 30, maxCount: 10, now: Self.now)
            #expect(try Self.files(store).isEmpty)
        }
    }

    @Test func withoutImagesTheRecordsStayAndNoPictureIsLeft() throws {
        try withTemporaryStateDirectory { state in
            let store = VisitStore(stateDirectory: state)
            let visit = try Self.keep(store, daysAgo: 0, track: 1)
            try store.dropImages()
            #expect(try Self.files(store) == [visit.id + ".json"])
            let bare = try store.visit(visit.id)
            #expect(bare.face == nil && bare.frame == nil && bare.people == visit.people)
        }
    }

    @Test func aSheetHasOneTilePerVisitInRowsOfSix() throws {
        let face = try ImageFile.read(RealData.examples + "/obama.jpg")
        for count in [1, 6, 7] {
            let sheet = try VisitSheet.draw(Array(repeating: .init(face: face, lines: ["Obama", "d=0.5", "now"], named: true), count: count))
            #expect((sheet.width, sheet.height) == VisitSheet.size(count))
        }
        #expect(VisitSheet.grid(7) == (6, 2) && VisitSheet.grid(2) == (2, 1))
    }
}
