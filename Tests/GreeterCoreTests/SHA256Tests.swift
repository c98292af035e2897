import Foundation
import Testing
@testable import GreeterCore

@Suite struct SHA256Tests {
    @Test func standardVectors() {
        #expect(SHA256.hexDigest(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Two blocks after padding: the 56-byte FIPS 180-4 example.
        #expect(SHA256.hexDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    static let megabyte = (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    @Test func megabyteMatchesSha256sum() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(Self.megabyte).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(printed.hasPrefix(SHA256.hexDigest(of: Self.megabyte) + " "), "sha256sum printed \(printed)")
    }

    /// Feeding the bytes in odd-sized pieces exercises the carry-over of partial blocks.
    @Test(arguments: [1, 3, 63, 64, 65, 1000])
    func piecewiseUpdatesEqualOneShot(pieceSize: Int) {
        let bytes = Array(Self.megabyte.prefix(10_000))
        var hasher = SHA256()
        for start in stride(from: 0, to: bytes.count, by: pieceSize) {
            hasher.update(Array(bytes[start..<min(start + pieceSize, bytes.count)]))
        }
        #expect(hasher.hexDigest() == SHA256.hexDigest(of: bytes))
    }

    @Test func digestIsThirtyTwoBytesAndLeavesTheHasherUsable() {
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        #expect(hasher.digest().count == 32)
        hasher.update(Array("c".utf8))
        #expect(hasher.hexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
