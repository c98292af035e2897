import Foundation
import GreeterCore
import Testing

@Suite struct VisionTests {
    let analyzer = RealData.analyzer

    @Test func findsTheFaceInEachExamplePhoto() throws {
        for name in ["obama.jpg", "biden.jpg", "lin-manuel-miranda.png", "alex-lacamoire.png", "obama-240p.jpg"] {
            let image = try RealData.image("\(RealData.examples)/\(name)")
            let faces = try analyzer.detectScaled(image, settings: .init(minFaceSize: 20), longSide: 1280)
            let main = try #require(faces.max { $0.box.area < $1.box.area }, "no face in \(name)")
            #expect(main.score > 0.9, "\(name): score \(main.score)")
            // The landmarks sit inside the box, eyes above the mouth.
            let l = main.landmarks
            #expect(l.leftEye.y < l.mouthLeft.y && l.rightEye.y < l.mouthRight.y, "\(name): \(l)")
            #expect(l.all.allSatisfy { $0.x >= main.box.x - 2 && $0.x <= main.box.maxX + 2 }, "\(name)")
        }
    }

    @Test func findsBothPeopleInAGroupPhotoAndManyInACrowd() throws {
        let two = try analyzer.detector.detect(try RealData.image("\(RealData.examples)/two_people.jpg"),
                                               settings: .init(minFaceSize: 40))
        #expect(two.count == 2)
        let crowd = try analyzer.detectScaled(
            try RealData.image("\(RealData.datasets)/photos/facenet_pytorch_images/multiface.jpg"),
            settings: .init(minFaceSize: 20), longSide: 1280)
        #expect(crowd.count >= 6)
    }

    @Test func samePersonIsCloseAndDifferentPeopleAreFar() throws {
        func embedding(_ name: String) throws -> [Float] {
            let faces = try analyzer.analyze(try RealData.image("\(RealData.examples)/\(name)"),
                                             detection: .init(minFaceSize: 40), aligner: FaceAligner())
            return try #require(faces.max { $0.detection.box.area < $1.detection.box.area }).embedding
        }
        let obama = try embedding("obama.jpg"), obama2 = try embedding("obama2.jpg"), biden = try embedding("biden.jpg")
        #expect(obama.count == 128 && abs(obama.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3, "unit-length 128-d embeddings")
        #expect(l2Distance(obama, obama2) < 0.9)
        #expect(l2Distance(obama, biden) > 1.1)
    }

    @Test func batchedEmbeddingEqualsOneByOne() throws {
        let image = try RealData.image("\(RealData.examples)/two_people.jpg")
        let faces = try analyzer.detector.detect(image, settings: .init(minFaceSize: 40))
        let chips = try faces.map { try FaceAligner().chip(from: image, face: $0) }
        let together = try analyzer.embedder.embed(chips, averagingMirror: false)
        for (chip, batched) in zip(chips, together) {
            #expect(l2Distance(try analyzer.embedder.embed([chip], averagingMirror: false)[0], batched) < 1e-4)
        }
    }

    @Test func mirrorAveragedEmbeddingIsUnitLengthAndBlindToLeftAndRight() throws {
        let image = try RealData.image("\(RealData.examples)/obama.jpg")
        let face = try #require(try analyzer.detectScaled(image, settings: .init(minFaceSize: 40), longSide: 1280).first)
        let chip = try FaceAligner().chip(from: image, face: face)
        #expect(chip.mirrored().mirrored().pixels == chip.pixels && chip.mirrored().pixels != chip.pixels)
        let averaged = try analyzer.embedder.embed([chip, chip.mirrored()], averagingMirror: true)
        #expect(abs(averaged[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        #expect(l2Distance(averaged[0], averaged[1]) < 1e-3)
        let plain = try analyzer.embedder.embed([chip], averagingMirror: false)[0]
        #expect((0.05..<0.6).contains(l2Distance(plain, averaged[0])), "the mirror changes the embedding a little")
    }

    @Test func similarityAlignmentPutsTheEyesLevel() throws {
        let image = try RealData.image("\(RealData.examples)/obama.jpg")
        let face = try #require(try analyzer.detectScaled(image, settings: .init(minFaceSize: 40), longSide: 1280).first)
        // Tilt the picture by warping it, then check the aligner undoes the roll.
        let chip = try FaceAligner(method: .similarity).chip(from: image, face: face)
        #expect(chip.width == 112 && chip.height == 112)
        let again = try analyzer.detector.detect(chip, settings: .init(minFaceSize: 40))
        let eyes = try #require(again.first).landmarks
        #expect(abs(eyes.leftEye.y - eyes.rightEye.y) < 6)
    }

    @Test func bothDetectorsFindTheFaceAndItsLandmarksAtAnySize() throws {
        let image = try RealData.image("\(RealData.examples)/obama.jpg")
        // 455x569 and 301x250: neither side a multiple of 32, which YuNet's input must be padded to.
        for (width, height) in [(455, 569), (301, 250)] {
            let scaled = try image.resized(width: width, height: height)
            let yunet = try analyzer.detector.detect(scaled, settings: .init(model: .yunet, minFaceSize: 40))
            let mtcnn = try analyzer.detector.detect(scaled, settings: .init(model: .mtcnn, minFaceSize: 40))
            #expect(yunet.count == 1 && mtcnn.count == 1, "\(width)x\(height): \(yunet) / \(mtcnn)")
            let (a, b) = try (#require(yunet.first), #require(mtcnn.first))
            #expect(a.box.iou(b.box) > 0.5)
            // The two detectors place the five points within a tenth of the face's width of each other.
            for (p, q) in zip(a.landmarks.all, b.landmarks.all) {
                #expect(abs(p.x - q.x) < a.box.width / 10 && abs(p.y - q.y) < a.box.width / 10, "\(p) vs \(q)")
            }
        }
    }

    /// The converted SFace net on a fixed input (a colour ramp), so a different or differently converted file is
    /// caught here.
    @Test func sfaceGivesTheRecordedEmbeddingOfAKnownInput() throws {
        var ramp = Image(width: 112, height: 112)
        for i in 0..<112 * 112 { for c in 0..<3 { ramp.pixels[i * 3 + c] = UInt8((i % 112 + i / 112 + 40 * c) % 256) } }
        let embedding = try analyzer.embedder.embed([ramp], averagingMirror: false)[0]
        // Recorded from this project's conversion; LFW confirms the net (README): onnxruntime, to compare against
        // the int8 original directly, is not packaged in Debian 12.
        let recorded: [Float] = [0.071734816, 0.11230167, 0.010021108, -0.08245715, 0.05389302, 0.09034718,
                                 -0.06443656, -0.18622331]
        for (value, expected) in zip(embedding.prefix(recorded.count), recorded) {
            #expect(abs(value - expected) < 1e-4, "\(embedding.prefix(recorded.count))")
        }
    }

    @Test func refusesWhatIsNotAnImageOrIsTooLarge() throws {
        #expect(throws: ImageFile.Problem.self) { try ImageFile.decode(Array("hello".utf8), maxPixels: 1000) }
        // A PNG header that claims 100000 x 100000 pixels: refused before decoding.
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        png += [0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0, 8, 2, 0, 0, 0]
        let error = try #require(throws: ImageFile.Problem.self) { try ImageFile.decode(png, maxPixels: 40_000_000) }
        #expect(error.description.contains("100000x100000"))
        let jpeg = try FileBytes.read("\(RealData.examples)/obama.jpg")
        #expect(ImageHeader(jpeg)?.width == 910 && ImageHeader(jpeg)?.height == 1137)
    }

    @Test func refusesModelFilesThatAreMissingOrWrong() throws {
        let folder = RealData.scratch("models")
        let error = try #require(throws: ModelFiles.Problem.self) { try ModelFiles(directory: folder) }
        // Fit for an installed service: where the files are expected and what installs them, not a checkout's script.
        #expect(error.description.contains("expects its \(ModelFiles.Model.allCases.count) model files in \(folder)"))
        #expect(error.description.contains("scripts/install") && !error.description.contains("fetch-models"))
        _ = FileManager.default.createFile(atPath: folder + "/pnet.onnx", contents: Data("junk".utf8))
        let wrong = try #require(throws: ModelFiles.Problem.self) { try ModelFiles(directory: folder) }
        #expect(wrong.description.contains("pnet.onnx is 4 bytes"))
    }
}

