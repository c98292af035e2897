extension Config {
    /// One line per distance setting that does not fit the embedding model's calibration — typically a config
    /// written for FaceNet, whose distances spread differently. The value is still used: this only says so.
    public var modelWarnings: [String] {
        let calibration = FaceEmbedder.calibration
        let values = [(calibration.threshold, recognition.threshold),
                      (calibration.ambiguityMargin, recognition.ambiguityMargin),
                      (calibration.maskedThreshold, recognition.maskedThreshold),
                      (calibration.duplicateDistance, gallery.duplicateDistance)]
        return values.filter { !$0.0.fits.contains($0.1) }.map { distance, value in
            "\(distance.key) = \(value) does not fit the SFace embeddings (default \(distance.value), sensible "
                + "\(distance.fits.lowerBound)...\(distance.fits.upperBound)); was this config written for FaceNet? "
                + "Remove the key to use the default"
        }
    }
}
