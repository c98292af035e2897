import Foundation

/// FaceNet (Inception-ResNet-v1, Sandberg's 20180408-102900 trained on CASIA-WebFace) through cv::dnn:
/// a 160×160 face chip in, a unit-length 512-d embedding out. Same person ⇒ small L2 distance.
public final class FaceEmbedder: Sendable {
    public static let dimension = 512
    public static let chipSide = 160

    private let net: NeuralNetwork

    public init(models: ModelFiles) throws {
        let path = models.path(of: .facenet)
        var graph: [UInt8]
        do { graph = try FileBytes.read(path) } catch {
            throw ModelFiles.Problem(description: "\(error)")
        }
        try FaceNetGraph.allowBatches(&graph, file: path)
        net = try NeuralNetwork(tensorflowGraph: graph, name: path)
    }

    /// Embeds several chips in one forward pass (about 20 % less time per face than one by one); with
    /// `averagingMirror`, each chip's mirror image goes in the same pass and each embedding is the normalised mean
    /// of the two.
    public func embed(_ chips: [Image], averagingMirror: Bool) throws -> [[Float]] {
        guard averagingMirror else { return try embed(chips) }
        let both = try embed(chips + chips.map { $0.mirrored() })
        return (0..<chips.count).map { i in
            let sum = zip(both[i], both[i + chips.count]).map { $0 + $1 }
            let length = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return sum.map { $0 / max(length, .leastNormalMagnitude) }
        }
    }

    private func embed(_ chips: [Image]) throws -> [[Float]] {
        guard !chips.isEmpty else { return [] }
        let side = Self.chipSide
        precondition(chips.allSatisfy { $0.width == side && $0.height == side }, "chips must be \(side)x\(side)")
        let plane = side * side
        var blob = [Float](repeating: 0, count: chips.count * 3 * plane)
        blob.withUnsafeMutableBufferPointer { out in
            for (n, chip) in chips.enumerated() {
                chip.pixels.withUnsafeBufferPointer { bgr in
                    // NCHW, RGB, the fixed standardisation the model was trained with: (x − 127.5) / 128.
                    for i in 0..<plane {
                        out[(n * 3) * plane + i] = (Float(bgr[i * 3 + 2]) - 127.5) / 128
                        out[(n * 3 + 1) * plane + i] = (Float(bgr[i * 3 + 1]) - 127.5) / 128
                        out[(n * 3 + 2) * plane + i] = (Float(bgr[i * 3]) - 127.5) / 128
                    }
                }
            }
        }
        let output = try net.forward(blob, shape: [chips.count, 3, side, side], outputs: ["embeddings"])[0]
        return (0..<chips.count).map { Array(output.values[$0 * Self.dimension..<($0 + 1) * Self.dimension]) }
    }
}

/// The frozen graph was exported for one image at a time: two Reshape nodes carry the constant shape [1, -1]
/// and [1, 512]. Rewriting their batch entry to -1 in memory (the file on disk keeps its checksum) lets cv::dnn
/// run several faces per pass; the outputs are identical to one-by-one runs (tested).
enum FaceNetGraph {
    private static let patches: [(node: String, from: [Int32], to: [Int32])] = [
        ("InceptionResnetV1/Logits/Flatten/flatten/Reshape/shape/_1__cf__3", [1, -1], [-1, 1792]),
        ("InceptionResnetV1/Bottleneck/BatchNorm/Shape/_0__cf__2", [1, 512], [-1, 512]),
    ]

    static func allowBatches(_ graph: inout [UInt8], file: String) throws {
        for patch in patches {
            let from = bytes(patch.from), to = bytes(patch.to)
            guard let node = find(Array(patch.node.utf8) + Array("\u{12}\u{05}Const".utf8), in: graph, from: 0),
                  let value = find(from, in: graph, from: node + patch.node.utf8.count, within: 200)
            else {
                throw ModelFiles.Problem(description: "\(file) is not the FaceNet graph door-greeter expects "
                    + "(node \(patch.node) not found); fetch it again with `scripts/fetch-models`")
            }
            graph.replaceSubrange(value..<value + to.count, with: to)
        }
    }

    /// memchr for the first byte, memcmp for the rest: a Swift loop over the 94 MB graph takes seconds, and
    /// ~100 s in a debug build.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, within limit: Int? = nil) -> Int? {
        let end = min(haystack.count, limit.map { start + $0 } ?? haystack.count) - needle.count
        guard let first = needle.first, end >= start else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pattern in
                var position = start
                while position <= end, let hit = memchr(hay.baseAddress! + position, Int32(first), end - position + 1) {
                    if memcmp(hit, pattern.baseAddress!, pattern.count) == 0 { return hay.baseAddress!.distance(to: hit) }
                    position = hay.baseAddress!.distance(to: hit) + 1
                }
                return nil
            }
        }
    }

    private static func bytes(_ values: [Int32]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }
}
