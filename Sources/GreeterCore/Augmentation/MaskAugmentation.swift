/// Placeholder set of masked-template augmentations; the masked-face work fills it.
public enum MaskAugmentation {
    public static let standard: [any TemplateAugmentation] = []
}
