import Foundation

/// MFR2 ("masked faces in the wild"): `NAME/NAME_000N.png` photos and `mfr2_labels.txt`, whose lines
/// `NAME, N, KIND` say whether each photo shows a mask (`no-mask`, or the mask type such as `surgical_blue`).
public struct MFR2Dataset: Sendable {
    public struct Photo: Sendable, Codable, Equatable {
        public let person: String
        public let path: String
        /// `no-mask`, or the kind of mask worn.
        public let mask: String
        public var masked: Bool { mask != "no-mask" }
    }

    public struct Problem: Error, CustomStringConvertible, Sendable { public let description: String }

    public let directory: String
    /// In the labels file's order.
    public let photos: [Photo]

    public static let labelsFile = "mfr2_labels.txt"
    public static let pairsFile = "pairs.txt"

    public init(directory: String) throws {
        let labels = (directory as NSString).appendingPathComponent(Self.labelsFile)
        guard let text = try? String(contentsOfFile: labels, encoding: .utf8) else {
            throw Problem(description: "\(labels): cannot read the MFR2 labels file (is \(directory) the MFR2 folder?)")
        }
        var photos: [Photo] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !fields.allSatisfy(\.isEmpty) else { continue }
            guard fields.count == 3, let number = Int(fields[1]), !fields[0].isEmpty, !fields[2].isEmpty else {
                throw Problem(description: "\(labels):\(index + 1): expected 'NAME, N, KIND', got '\(line)'")
            }
            let path = "\(directory)/\(fields[0])/\(fields[0])_\(String(format: "%04d", number)).png"
            guard FileManager.default.fileExists(atPath: path) else {
                throw Problem(description: "\(labels):\(index + 1): the photo \(path) does not exist")
            }
            photos.append(Photo(person: fields[0], path: path, mask: fields[2]))
        }
        guard !photos.isEmpty else { throw Problem(description: "\(labels): no photos listed") }
        self.directory = directory
        self.photos = photos
    }

    public var pairsPath: String { (directory as NSString).appendingPathComponent(Self.pairsFile) }

    /// One-photo-per-person enrolment: each person's first unmasked photo is the gallery, every other photo a probe.
    /// People without an unmasked photo are left out.
    public func enrolmentSplit() -> (gallery: [Photo], probes: [Photo]) {
        var gallery: [String: Photo] = [:]
        var order: [String] = []
        for photo in photos where !photo.masked && gallery[photo.person] == nil {
            gallery[photo.person] = photo
            order.append(photo.person)
        }
        let probes = photos.filter { gallery[$0.person] != nil && gallery[$0.person] != $0 }
        return (order.map { gallery[$0]! }, probes)
    }
}
