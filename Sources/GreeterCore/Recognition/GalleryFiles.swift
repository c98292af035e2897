import Foundation

/// What in a gallery folder is a photo of someone: image files at the top (one person each, named by the file)
/// and in one level of sub-folders `NAME/` (several photos of one person), plus the corrections in `NAME/.not/`
/// (faces that are not NAME). Hidden files, editor and download leftovers and READMEs are not looked at; any
/// other file is reported, since the owner probably meant it.
public enum GalleryFiles {
    /// What the decoder reads (libjpeg-turbo, libpng, libwebp): the formats of phones, cameras and the web.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]
    /// The folder inside `NAME/` holding negative examples of NAME. Hidden, so that older versions and the
    /// person's own photo listing pass it by; `cp -a` and `rsync -a` copy it with the rest.
    public static let negativesFolder = ".not"

    public struct Entry: Sendable, Equatable {
        /// Relative to the gallery folder: `alice.jpg` or `alice/beach.png`.
        public let path: String
        public let name: String
        /// False for files in a person's folder, which may share a name by design.
        public let topLevel: Bool
        public let isImage: Bool
        /// A face that is not `name` (in `NAME/.not/`).
        public var negative = false
    }

    public static func isIgnored(_ fileName: String) -> Bool {
        fileName.hasPrefix(".") || fileName.hasSuffix("~") || fileName.uppercased().hasPrefix("README")
            || ["tmp", "part", "swp", "crdownload"].contains((fileName as NSString).pathExtension.lowercased())
    }

    public static func list(_ directory: String) throws -> [Entry] {
        let manager = FileManager.default
        var entries: [Entry] = []
        for item in try manager.contentsOfDirectory(atPath: directory).sorted() where !isIgnored(item) {
            var isFolder: ObjCBool = false
            let exists = manager.fileExists(atPath: (directory as NSString).appendingPathComponent(item), isDirectory: &isFolder)
            if exists, isFolder.boolValue {
                let folder = (directory as NSString).appendingPathComponent(item)
                let inside = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
                for file in inside.sorted() where !isIgnored(file) {
                    entries.append(entry("\(item)/\(file)", name: PersonName.fromFile(item), topLevel: false))
                }
                let negatives = (folder as NSString).appendingPathComponent(negativesFolder)
                for file in ((try? manager.contentsOfDirectory(atPath: negatives)) ?? []).sorted() where !isIgnored(file) {
                    var negative = entry("\(item)/\(negativesFolder)/\(file)", name: PersonName.fromFile(item), topLevel: false)
                    negative.negative = true
                    entries.append(negative)
                }
            } else {
                entries.append(entry(item, name: PersonName.fromFile((item as NSString).deletingPathExtension),
                                     topLevel: true))
            }
        }
        return entries
    }

    private static func entry(_ path: String, name: String, topLevel: Bool) -> Entry {
        Entry(path: path, name: name, topLevel: topLevel,
              isImage: imageExtensions.contains((path as NSString).pathExtension.lowercased()))
    }
}
