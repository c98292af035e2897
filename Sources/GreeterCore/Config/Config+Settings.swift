/// The config's values as the settings each room takes, so no room needs to know the config file.
extension Config {
    public var detectorSettings: FaceDetector.Settings {
        FaceDetector.Settings(model: detection.model, minFaceSize: detection.minFaceSize,
                              minScore: Float(detection.minScore), thresholds: detection.thresholds.map(Float.init),
                              scaleFactor: Float(detection.scaleFactor),
                              nearMiss: detection.secondLook ? FaceDetector.NearMiss() : nil)
    }

    /// For evaluation photos: the configured detector, down to faces of 20 px as enrolment looks at photos.
    public var photoDetectorSettings: FaceDetector.Settings {
        var settings = detectorSettings
        settings.minFaceSize = 20
        return settings
    }

    public var aligner: FaceAligner {
        FaceAligner(method: recognition.alignment == .crop ? .crop : .similarity,
                    averagesMirror: recognition.averageMirror)
    }

    public var matcherSettings: Matcher.Settings {
        Matcher.Settings(threshold: Float(recognition.threshold), ambiguityMargin: Float(recognition.ambiguityMargin),
                         syntheticThreshold: Float(recognition.maskedThreshold))
    }

    public var gallerySettings: GreeterCore.Gallery.Settings {
        var settings = GreeterCore.Gallery.Settings()
        settings.duplicateDistance = Float(gallery.duplicateDistance)
        settings.enrolment.minFaceSize = gallery.minFaceSize
        settings.enrolment.maxImagePixels = gallery.maxImagePixels
        settings.enrolment.aligner = aligner
        settings.enrolment.detection = photoDetectorSettings
        settings.enrolment.augmentations = gallery.maskedTemplates ? MaskAugmentation.standard : []
        return settings
    }
}
