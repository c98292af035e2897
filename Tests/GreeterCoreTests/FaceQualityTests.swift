import Foundation
import GreeterCore
import Testing

/// FaceQuality on real photos: a sharp frontal face beats the same face blurred, a turned face of the same
/// person, a smaller copy and one cut by the edge.
@Suite struct FaceQualityTests {
    static let lfw = "lfw/images"
    /// Looked at: he faces the camera in the first and has turned his head well to the side in the second.
    static let frontal = "Colin_Powell_0009"
    static let turned = "Colin_Powell_0071"

    static func main(_ image: Image) throws -> DetectedFace {
        let faces = try RealData.analyzer.detector.detect(image, settings: .init(minFaceSize: 20))
        return try #require(faces.max { $0.box.area < $1.box.area }, "no face")
    }

    static func quality(_ image: Image) throws -> FaceQuality {
        try FaceQuality(of: main(image), in: image)
    }

    static func photo(_ name: String) throws -> Image {
        let person = String(name[..<name.index(name.endIndex, offsetBy: -5)])
        return try RealData.image("\(RealData.datasets)/\(lfw)/\(person)/\(name).jpg")
    }

    @Test func aSharpFrontalFaceScoresAboveItsBlurredCopy() throws {
        for name in [Self.frontal, "Colin_Powell_0103", "Tony_Blair_0001"] {
            let sharp = try Self.photo(name)
            // Blur: down to a quarter and back up, as an out-of-focus or moving face looks.
            let blurred = try sharp.resized(width: sharp.width / 4, height: sharp.height / 4)
                .resized(width: sharp.width, height: sharp.height, interpolation: .linear)
            let (a, b) = (try Self.quality(sharp), try Self.quality(blurred))
            #expect(a.sharpness > b.sharpness && a.score > b.score, "\(name): sharp \(a), blurred \(b)")
        }
    }

    @Test func aFrontalFaceScoresAboveATurnedOneOfTheSamePerson() throws {
        let (a, b) = (try Self.quality(Self.photo(Self.frontal)), try Self.quality(Self.photo(Self.turned)))
        #expect(a.frontalness > 0.8, "\(a)")
        #expect(a.frontalness > b.frontalness + 0.3 && a.score > b.score, "frontal \(a), turned \(b)")
    }

    @Test func sizeAndTheFrameEdgeCount() throws {
        let image = try RealData.image(RealData.examples + "/obama.jpg")
        let face = try Self.main(image)
        let whole = try FaceQuality(of: face, in: image)
        #expect(whole.size == 1 && whole.inside > 0.95, "\(whole)")
        var cut = face
        cut.box.x = -face.box.width / 2
        #expect(try FaceQuality(of: cut, in: image).inside < 0.6)
        let small = try image.resized(width: image.width / 8, height: image.height / 8)
        #expect(try Self.quality(small).size < whole.size)
    }
}
