import Foundation

/// Writes the chips that enrolment embeds for some photos (the plain one and each synthetic variant), so what
/// the templates look like can be checked by eye.
public enum TemplateChips {
    /// `DIR/PHOTO-NAME_KIND.png` for every photo and template kind.
    public static func write(_ paths: [String], probe: ProbeEmbedder, enrolment: PhotoEnroller.Settings,
                             to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for path in paths {
            let image = try ImageFile.read(path, maxPixels: enrolment.maxImagePixels)
            guard let face = try probe.mainFace(in: image) else { continue }
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            try ImageFile.write(try enrolment.aligner.chip(from: image, face: face), to: "\(directory)/\(stem)_photo.png")
            for augmentation in enrolment.augmentations {
                let name = augmentation.kind.replacingOccurrences(of: ":", with: "-")
                try ImageFile.write(try augmentation.apply(to: image, face: face, aligner: enrolment.aligner),
                                    to: "\(directory)/\(stem)_\(name).png")
            }
        }
    }
}
