/// The distances an embedding model is judged by. They belong to the model: another model's vectors spread
/// differently, so its thresholds mean something else. Each comes with the range within which a configured value
/// still fits the model; a config outside it (one written for FaceNet, say) gets a warning naming the key.
public struct EmbeddingCalibration: Sendable, Equatable {
    public struct Distance: Sendable, Equatable {
        public let key: String
        public let value: Double
        public let fits: ClosedRange<Double>
    }

    public let threshold: Distance
    public let ambiguityMargin: Distance
    public let maskedThreshold: Distance
    public let duplicateDistance: Distance

    public var all: [Distance] { [threshold, ambiguityMargin, maskedThreshold, duplicateDistance] }

    static let sface = EmbeddingCalibration(
        // Chosen on LFW pairsDevTrain: FAR 0.1 % at 1.128, TAR 93 % at 1.0 and FAR 1 % at 1.18.
        threshold: Distance(key: "recognition.threshold", value: 1.1, fits: 1.05...1.2),
        ambiguityMargin: Distance(key: "recognition.ambiguity_margin", value: 0.08, fits: 0...0.2),
        // Chosen on half 0 of `eval masked`'s people (the loosest point at which strangers, MFR2 and LFW, are accepted
        // no more often than without the masked templates: from 1.07 one more gets in); on half 1, not chosen on,
        // 1.06 recognises 93.3 % of masked probes (86.0 % over all 26 people), nobody misidentified, no more strangers.
        maskedThreshold: Distance(key: "recognition.masked_threshold", value: 1.06, fits: 0.95...1.2),
        // The same photo at other sizes embeds within 0.23–0.36 of itself; LFW impostors stay above 1.0.
        duplicateDistance: Distance(key: "gallery.duplicate_distance", value: 0.6, fits: 0.3...0.9))
}
