import Foundation
import GreeterCore
import Testing

@Suite(.serialized) struct GalleryTests {
    let analyzer = RealData.analyzer

    func copy(_ example: String, to folder: String, as name: String) throws {
        try FileManager.default.copyItem(atPath: "\(RealData.examples)/\(example)", toPath: "\(folder)/\(name)")
    }

    func gallery(_ folder: String, cache: String? = nil, minFace: Int = 80) -> Gallery {
        var settings = Gallery.Settings()
        settings.enrolment.minFaceSize = minFace
        return Gallery(directory: folder, analyzer: analyzer, settings: settings, cachePath: cache)
    }

    @Test func enrolsGoodPhotosAndRefusesEachBadKindWithItsReason() throws {
        let folder = RealData.scratch("gallery")
        let fm = FileManager.default
        try copy("obama.jpg", to: folder, as: "obama.jpg")
        try copy("biden.jpg", to: folder, as: "joe_biden.jpg")
        try copy("lin-manuel-miranda.png", to: folder, as: "lin-manuel-miranda.png")
        try fm.createDirectory(atPath: folder + "/alex-lacamoire", withIntermediateDirectories: false)
        try copy("alex-lacamoire.png", to: folder, as: "alex-lacamoire/stage.png")
        _ = fm.createFile(atPath: folder + "/README.md", contents: Data("ignored".utf8))
        _ = fm.createFile(atPath: folder + "/.hidden.jpg", contents: Data("ignored".utf8))
        // Each bad kind, made here.
        try fm.createSymbolicLink(atPath: folder + "/carol.jpg", withDestinationPath: "/nonexistent/carol.jpg")
        _ = fm.createFile(atPath: folder + "/dave.jpg", contents: Data("this is not a photo".utf8))
        _ = fm.createFile(atPath: folder + "/notes.txt", contents: Data("hello".utf8))
        var bomb: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bomb += [0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0, 8, 2, 0, 0, 0]
        _ = fm.createFile(atPath: folder + "/eve.png", contents: Data(bomb))
        var wall = Image(width: 320, height: 240)
        wall.fillPolygon([Point(x: 0, y: 0), Point(x: 320, y: 0), Point(x: 320, y: 240)], color: .white, opacity: 0.5)
        try ImageFile.write(wall, to: folder + "/frank.png")
        let obama = try RealData.image("\(RealData.examples)/obama.jpg")
        try ImageFile.write(try obama.resized(width: 150, height: 188), to: folder + "/grace.jpg")
        try copy("two_people.jpg", to: folder, as: "heidi.jpg")
        try copy("obama2.jpg", to: folder, as: "Obama.png")
        try copy("obama-480p.jpg", to: folder, as: "barack.jpg")

        let report = try gallery(folder).scan()
        #expect(report.people.map(\.name) == ["Alex Lacamoire", "Joe Biden", "Lin Manuel Miranda", "Obama"])
        #expect(report.people.first?.files == ["alex-lacamoire/stage.png"])
        let reasons = Dictionary(uniqueKeysWithValues: report.rejections.map { ($0.file, $0.reason) })
        #expect(reasons["carol.jpg"]?.contains("cannot read") == true, "\(reasons)")
        #expect(reasons["dave.jpg"]?.contains("not an image") == true)
        #expect(reasons["notes.txt"]?.contains("not an image file name") == true)
        #expect(reasons["eve.png"]?.contains("over the limit") == true)
        #expect(reasons["frank.png"]?.contains("no face") == true)
        #expect(reasons["grace.jpg"]?.contains("smaller than gallery.min_face_size") == true)
        #expect(reasons["heidi.jpg"]?.contains("faces of similar size") == true)
        #expect(reasons["Obama.png"]?.contains("same name") == true || reasons["obama.jpg"]?.contains("same name") == true)
        #expect(reasons["barack.jpg"]?.contains("looks like Obama") == true)
        #expect(reasons.count == 9, "\(reasons.keys.sorted())")
    }

    @Test func cacheMakesARestartFreeAndNoticesChanges() throws {
        let folder = RealData.scratch("cached")
        let cache = folder + "-cache/embeddings.h5"
        try copy("obama.jpg", to: folder, as: "obama.jpg")
        try copy("biden.jpg", to: folder, as: "biden.jpg")
        let first = try gallery(folder, cache: cache).scan()
        #expect(first.embedded == 2)

        // A new process with an unchanged gallery embeds nothing.
        let restart = try gallery(folder, cache: cache).scan()
        #expect(restart.embedded == 0)
        #expect(restart.people.map(\.name) == ["Biden", "Obama"])
        let reopened = try #require(try EmbeddingStore.read(from: cache, modelFingerprint: ModelFiles.fingerprint(
            alignment: Gallery.Settings().enrolment.fingerprint.replacingOccurrences(of: "min80", with: "min80"))))
        #expect(reopened.count == 2)

        // Touched but the same bytes: the hash says unchanged.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                              ofItemAtPath: folder + "/biden.jpg")
        #expect(try gallery(folder, cache: cache).scan().embedded == 0)

        // New content under the same name is embedded again.
        let biden = try RealData.image(folder + "/biden.jpg")
        try ImageFile.write(try biden.resized(width: biden.width / 2, height: biden.height / 2), to: folder + "/biden.jpg")
        #expect(try gallery(folder, cache: cache).scan().embedded == 1)

        // Other enrolment settings (part of the fingerprint, like the models) invalidate the whole cache.
        #expect(try gallery(folder, cache: cache, minFace: 60).scan().embedded == 2)
    }

    @Test func corruptCacheIsReportedAndRebuilt() throws {
        let folder = RealData.scratch("corrupt")
        let cache = folder + "-cache.h5"
        try copy("obama.jpg", to: folder, as: "obama.jpg")
        _ = FileManager.default.createFile(atPath: cache, contents: Data("not hdf5".utf8))
        let report = try gallery(folder, cache: cache).scan()
        #expect(report.people.count == 1)
        #expect(report.cacheWarnings.first?.contains(cache) == true)
        #expect(try gallery(folder, cache: cache).scan().embedded == 0, "the rebuilt cache is used next time")
    }

    @Test func matcherAnswersKnownUnknownAndAmbiguous() throws {
        let a: [Float] = [1, 0, 0, 0], b: [Float] = [0, 1, 0, 0], near: [Float] = [0.8, 0.6, 0, 0]
        let matcher = Matcher(templates: [(name: "A", kind: "photo", embedding: a), (name: "B", kind: "photo", embedding: b),
                                          (name: "A", kind: "mask", embedding: [0, 0, 1, 0])], dimension: 4)
        let settings = Matcher.Settings(threshold: 1.0, ambiguityMargin: 0.1)
        let exact = matcher.match(a, settings: settings)
        #expect(exact.name == "A" && exact.second?.name == "B")
        #expect(matcher.match([0, 0, 0, 1], settings: settings).verdict == .unknown)
        let between = matcher.match([0.7071, 0.7071, 0, 0], settings: settings)
        #expect(between.verdict == .ambiguous && between.name == nil)
        #expect(matcher.match(near, settings: settings).name == "A")
        #expect(Matcher(templates: [], dimension: 4).match(a, settings: settings).verdict == .unknown)
    }

    @Test func namesComeFromFileNames() {
        #expect(PersonName.fromFile("mary-jane_smith") == "Mary Jane Smith")
        #expect(PersonName.fromFile("lin-manuel-miranda") == "Lin Manuel Miranda")
        #expect(PersonName.key("Mary_Jane-smith") == PersonName.key("mary jane Smith"))
    }
}
