import Foundation
import Testing

import GreeterCore

/// A photo cut short (or still being written) is refused as truncated, before libjpeg decodes the half it has.
@Suite struct ImageCompletenessTests {
    func bytes(_ example: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(RealData.examples)/\(example)")))
    }

    @Test(arguments: ["obama.jpg", "biden.jpg", "lin-manuel-miranda.png", "alex-lacamoire.png", "two_people.jpg"])
    func wholePhotosAreCompleteAndEveryCutIsNot(_ example: String) throws {
        let whole = try bytes(example)
        let format = try #require(ImageHeader(whole)).format
        #expect(ImageHeader.isComplete(whole, format: format))
        // Data after the end is allowed (cameras append trailers).
        #expect(ImageHeader.isComplete(whole + [0, 0, 0x12], format: format))
        for fraction in [0.1, 0.5, 0.9, 0.999] {
            let cut = Array(whole.prefix(Int(Double(whole.count) * fraction)))
            #expect(!ImageHeader.isComplete(cut, format: format), "\(example) cut at \(fraction)")
        }
        #expect(!ImageHeader.isComplete(Array(whole.dropLast()), format: format))
    }

    @Test func decodingRefusesATruncatedJPEGWithThatReason() throws {
        let half = Array(try bytes("obama.jpg").prefix(20_000))
        #expect(throws: ImageFile.Problem.self) { try ImageFile.decode(half, maxPixels: 40_000_000) }
        do { _ = try ImageFile.decode(half, maxPixels: 40_000_000) } catch {
            #expect("\(error)".contains("truncated jpeg"), "\(error)")
        }
    }
}
