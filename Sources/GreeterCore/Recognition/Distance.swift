import Foundation

/// L2 distance between two embeddings — the one unit used in docs, config, logs and JSON. The embeddings have unit
/// length, so it runs from 0 (identical) to 2 (opposite); with SFace, same-person pairs sit around 0.6–1.0.
@inline(__always)
public func l2Distance(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "embeddings of different lengths")
    var sum: Float = 0
    for i in a.indices {
        let d = a[i] - b[i]
        sum += d * d
    }
    return sum.squareRoot()
}

extension Float {
    /// Distances are printed with three decimals everywhere.
    public var formatted: String { String(format: "%.3f", self) }
}
