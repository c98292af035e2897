import Foundation
import Glibc
import GreeterCore
import Testing

/// Corrections in the gallery (`NAME/.not/`) and the matcher, on real photos and the real models.
@Suite(.serialized) struct CorrectionTests {
    let analyzer = RealData.analyzer

    func gallery(_ folder: String, cache: String? = nil) -> Gallery {
        Gallery(directory: folder, analyzer: analyzer, settings: Gallery.Settings(), cachePath: cache)
    }

    func bytes(_ example: String) throws -> [UInt8] { try FileBytes.read("\(RealData.examples)/\(example)") }

    @Test func aNegativeMovesASinglePhotoIntoItsFolderWithoutEmbeddingItAgain() throws {
        let folder = RealData.scratch("correct-gallery")
        let cache = RealData.scratch("correct-cache") + "/embeddings.h5"
        try FileManager.default.copyItem(atPath: "\(RealData.examples)/obama.jpg", toPath: folder + "/obama.jpg")
        try FileManager.default.copyItem(atPath: "\(RealData.examples)/biden.jpg", toPath: folder + "/joe-biden.jpg")
        let first = try gallery(folder, cache: cache).scan()
        #expect(first.embedded == 2)

        let editor = GalleryEditor(directory: folder)
        let path = try editor.addNegative(try bytes("alex-lacamoire.png"), of: "Joe Biden", as: "visit-1.jpg")
        #expect(path == "joe-biden/.not/visit-1.jpg")
        #expect(!FileManager.default.fileExists(atPath: folder + "/joe-biden.jpg"))
        #expect(throws: (any Error).self) { try editor.addNegative(try bytes("obama2.jpg"), of: "Nobody", as: "x.jpg") }

        // A fresh Gallery reading the same cache: the moved photo is known by its content.
        let second = try gallery(folder, cache: cache).scan()
        #expect(second.embedded == 1, "only the negative is new")
        let biden = try #require(second.people.first { $0.name == "Joe Biden" })
        #expect(biden.files == ["joe-biden/joe-biden.jpg"])
        #expect(biden.negatives == ["joe-biden/.not/visit-1.jpg"])
        #expect(!biden.templates.contains(Template.negativeKind))
        #expect(second.rejections.isEmpty, "\(second.rejections)")
        #expect(second.matcher.names.sorted() == ["Joe Biden", "Obama"], "a negative names nobody")
    }

    @Test func aPhotoOfSomeoneEnrolledIsRefusedAsTheGalleryRefusesIt() throws {
        let folder = RealData.scratch("correct-refusal")
        try FileManager.default.copyItem(atPath: "\(RealData.examples)/obama.jpg", toPath: folder + "/obama.jpg")
        let gallery = gallery(folder)
        _ = try gallery.scan()
        let refusal = try #require(gallery.refusal(of: try bytes("obama-480p.jpg"), as: "Barack"))
        #expect(refusal.description.contains("looks like Obama"), "\(refusal)")
        #expect(gallery.refusal(of: try bytes("obama2.jpg"), as: "Obama") == nil, "more photos of the same person")
        #expect(gallery.refusal(of: try bytes("biden.jpg"), as: "Joe Biden") == nil)
        // A negative is near its person by design; only a face is asked of it.
        #expect(gallery.refusal(of: try bytes("obama-480p.jpg"), as: "Obama", negative: true) == nil)
        #expect(gallery.refusal(of: Array("not a photo".utf8), as: "Obama", negative: true) != nil)
    }
}

extension GalleryWatcherTests {
    @Test func negativesFoldersAreWatched() async throws {
        let gallery = try WatchedGallery()
        try #require(mkdir(gallery.path("alice"), 0o755) == 0)
        try await gallery.landMarker("alice/marker.jpg")
        try #require(mkdir(gallery.path("alice/.not"), 0o755) == 0)
        SystemTestSupport.writeFile(gallery.path("alice/.not/visit.jpg"), "jpeg")
        try await gallery.waitFor("the negative") { $0["alice/.not/visit.jpg"] == true }
        try #require(unlink(gallery.path("alice/.not/visit.jpg")) == 0)
        try await gallery.waitFor("the negative's removal") { $0["alice/.not/visit.jpg"] == false }

        // A person folder moved in whole brings its negatives.
        try #require(mkdir(gallery.outside + "/bob", 0o755) == 0 && mkdir(gallery.outside + "/bob/.not", 0o755) == 0)
        SystemTestSupport.writeFile(gallery.outside + "/bob/.not/visit.jpg", "jpeg")
        try #require(rename(gallery.outside + "/bob", gallery.path("bob")) == 0)
        try await gallery.waitFor("the moved-in negative") { $0["bob/.not/visit.jpg"] == true }
        SystemTestSupport.writeFile(gallery.path("bob/.not/second.jpg"), "jpeg")
        try await gallery.waitFor("a negative in the moved-in folder") { $0["bob/.not/second.jpg"] == true }
    }
}

extension CorrectionTests {
    /// One of LFW's impostor pairs nearest each other (`eval corrections`, distance 1.21), under a threshold loose
    /// enough (1.30) for the stranger to be taken for the look-alike, as SFace at 1.10 takes no impostor pair.
    @Test func aCorrectionStopsTheLookalikeAndTheirOtherPhotosAndKeepsTheOwnOnes() throws {
        let lfw = RealData.datasets + "/lfw/images"
        func lfwPhoto(_ person: String, _ number: Int) -> String { String(format: "%@/%@/%@_%04d.jpg", lfw, person, person, number) }
        let folder = RealData.scratch("correct-lookalike")
        try FileManager.default.createDirectory(atPath: folder + "/bernardo-segura", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: lfwPhoto("Bernardo_Segura", 2), toPath: folder + "/bernardo-segura/2.jpg")
        var settings = Gallery.Settings()
        settings.enrolment.minFaceSize = 40  // LFW's thumbnails are 150 px
        let probe = ProbeEmbedder(analyzer: analyzer, detection: FaceDetector.Settings(minFaceSize: 20), aligner: FaceAligner())
        let matching = Matcher.Settings(threshold: 1.3)
        func names(_ photo: String, _ report: GalleryReport) throws -> Matcher.Match {
            report.matcher.match(try probe.embed(ImageFile.read(photo)).embedding, settings: matching)
        }
        let strangers = (1...8).map { lfwPhoto("Ray_Romano", $0) }
        let before = try Gallery(directory: folder, analyzer: analyzer, settings: settings, cachePath: nil).scan()
        #expect(try names(lfwPhoto("Ray_Romano", 9), before).name == "Bernardo Segura", "the mistake to correct")
        let mistaken = try strangers.filter { try names($0, before).name == "Bernardo Segura" }
        #expect(!mistaken.isEmpty, "another photo of the stranger is taken for him too")

        _ = try GalleryEditor(directory: folder).addNegative(try FileBytes.read(lfwPhoto("Ray_Romano", 9)),
                                                             of: "Bernardo Segura", as: "visit.jpg")
        let after = try Gallery(directory: folder, analyzer: analyzer, settings: settings, cachePath: nil).scan()
        let corrected = try names(lfwPhoto("Ray_Romano", 9), after)
        #expect(corrected.verdict == .unknown && corrected.best?.name == "Bernardo Segura")
        #expect(corrected.reason?.contains("corrected as not Bernardo Segura") == true, "\(corrected)")
        for photo in mistaken { #expect(try names(photo, after).name == nil, "\(photo)") }
        #expect(try names(lfwPhoto("Bernardo_Segura", 1), after).name == "Bernardo Segura", "his own other photo")
    }
}
