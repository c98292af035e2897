/// LFW-protocol verification figures from pair distances: 10-fold accuracy with the threshold chosen on the
/// other nine folds, the ROC's true-accept rate at fixed false-accept rates, and thresholds for chosen rates.
public struct VerificationReport: Sendable, Codable {
    public struct Point: Sendable, Codable {
        public let falseAcceptRate: Double
        public let trueAcceptRate: Double
        public let threshold: Float
    }

    public let pairs: Int
    public let foldAccuracies: [Double]
    public let meanAccuracy: Double
    public let accuracyStandardDeviation: Double
    /// The threshold with the best accuracy over all pairs.
    public let bestThreshold: Float
    /// TAR at FAR 1 % and 0.1 % (thresholds are L2 distances).
    public let roc: [Point]
    /// Accept rates at a threshold the caller is interested in (the configured one).
    public let atThreshold: Point?

    public init(distances: [Float], same: [Bool], folds: [Int], threshold: Float? = nil) {
        pairs = distances.count
        let candidates = Self.candidateThresholds(distances)
        let foldIDs = Set(folds).sorted()
        foldAccuracies = foldIDs.map { fold in
            let train = distances.indices.filter { folds[$0] != fold }
            let test = distances.indices.filter { folds[$0] == fold }
            let t = Self.bestThreshold(candidates, distances, same, train)
            return Self.accuracy(t, distances, same, test)
        }
        let mean = foldAccuracies.reduce(0, +) / Double(max(foldAccuracies.count, 1))
        meanAccuracy = mean
        let variance = foldAccuracies.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
            / Double(max(foldAccuracies.count - 1, 1))
        accuracyStandardDeviation = variance.squareRoot()
        bestThreshold = Self.bestThreshold(candidates, distances, same, Array(distances.indices))
        roc = [0.01, 0.001].map { Self.point(atFalseAcceptRate: $0, distances, same) }
        atThreshold = threshold.map { Self.rates(at: $0, distances, same) }
    }

    /// The largest threshold whose false-accept rate stays at or under `rate`.
    public static func point(atFalseAcceptRate rate: Double, _ distances: [Float], _ same: [Bool]) -> Point {
        let impostors = zip(distances, same).filter { !$0.1 }.map(\.0).sorted()
        let allowed = Int((Double(impostors.count) * rate).rounded(.down))
        let threshold = impostors.isEmpty ? 2 : (allowed < impostors.count ? impostors[allowed] : 2).nextDown
        return rates(at: threshold, distances, same)
    }

    static func rates(at threshold: Float, _ distances: [Float], _ same: [Bool]) -> Point {
        var (genuine, impostor, accepted, falseAccepted) = (0, 0, 0, 0)
        for (d, s) in zip(distances, same) {
            if s { genuine += 1; if d <= threshold { accepted += 1 } } else {
                impostor += 1; if d <= threshold { falseAccepted += 1 }
            }
        }
        return Point(falseAcceptRate: Double(falseAccepted) / Double(max(impostor, 1)),
                     trueAcceptRate: Double(accepted) / Double(max(genuine, 1)), threshold: threshold)
    }

    private static func candidateThresholds(_ distances: [Float]) -> [Float] {
        stride(from: Float(0), through: 2, by: 0.0025).map { $0 }
    }

    private static func accuracy(_ t: Float, _ d: [Float], _ same: [Bool], _ subset: [Int]) -> Double {
        let correct = subset.filter { (d[$0] <= t) == same[$0] }.count
        return Double(correct) / Double(max(subset.count, 1))
    }

    private static func bestThreshold(_ candidates: [Float], _ d: [Float], _ same: [Bool], _ subset: [Int]) -> Float {
        var best = (threshold: Float(1), accuracy: -1.0)
        for t in candidates {
            let a = accuracy(t, d, same, subset)
            if a > best.accuracy { best = (t, a) }
        }
        return best.threshold
    }
}
