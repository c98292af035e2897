import Foundation
import Glibc

/// Adds photos to the gallery folder the way a person would, so a running daemon enrols them through its
/// watcher: another photo of NAME in `NAME/`, or a correction in `NAME/.not/`. Every file appears whole (written
/// hidden, renamed in), and a single photo `NAME.jpg` is moved into the folder form without NAME ever missing.
public struct GalleryEditor: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Writes `bytes` as `NAME/FILE` (the folder made, found, or made from `NAME.jpg`); returns the path
    /// relative to the gallery.
    public func addPhoto(_ bytes: [UInt8], of name: String, as file: String) throws -> String {
        let folder = try personFolder(name, create: true)
        return try write(bytes, to: "\(folder)/\(file)")
    }

    /// Writes `bytes` as `NAME/.not/FILE`, a face that is not NAME; NAME must be in the gallery already.
    public func addNegative(_ bytes: [UInt8], of name: String, as file: String) throws -> String {
        let folder = try personFolder(name, create: false)
        try makeFolder("\(folder)/\(GalleryFiles.negativesFolder)")
        return try write(bytes, to: "\(folder)/\(GalleryFiles.negativesFolder)/\(file)")
    }

    /// The person's folder, relative to the gallery: an existing `NAME/`, or `NAME.jpg` moved into `NAME/NAME.jpg`,
    /// or (with `create`) a new one.
    public func personFolder(_ name: String, create: Bool) throws -> String {
        let key = PersonName.key(name)
        guard !key.isEmpty else { throw EnrolmentProblem("\"\(name)\" is not a name") }
        let items = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            .filter { !GalleryFiles.isIgnored($0) }
        for item in items where isFolder(item) && PersonName.key(item) == key { return item }
        if let photo = items.first(where: { !isFolder($0) && PersonName.key(($0 as NSString).deletingPathExtension) == key
                && GalleryFiles.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }) {
            return try moveIntoFolder(photo)
        }
        guard create else {
            throw EnrolmentProblem("\(PersonName.fromFile(name)) is not in the gallery \(directory) (`door-greeter gallery` lists who is)")
        }
        let folder = key.replacingOccurrences(of: " ", with: "-")
        try makeFolder(folder)
        return folder
    }

    /// `NAME.jpg` → `NAME/NAME.jpg`: the folder is built hidden with a hard link to the photo, renamed into place,
    /// and only then the single photo removed. In between a scan sees both, and the older file (the same one)
    /// keeps NAME enrolled; the cache knows the photo by its content, so it is not embedded again.
    private func moveIntoFolder(_ photo: String) throws -> String {
        let folder = (photo as NSString).deletingPathExtension
        let hidden = ".\(folder).tmp-\(String(UInt32.random(in: .min ... .max), radix: 36))"
        guard mkdir(path(hidden), 0o770) == 0 else { throw SystemError("cannot create the folder \(path(hidden))") }
        do {
            if link(path(photo), path("\(hidden)/\(photo)")) != 0 {
                // A file system without hard links: a copy, which the cache also knows by content.
                try AtomicFile.write(try FileBytes.read(path(photo)), to: path("\(hidden)/\(photo)"), permissions: 0o640)
            }
            guard rename(path(hidden), path(folder)) == 0 else {
                throw SystemError("cannot move \(path(hidden)) to \(path(folder))")
            }
        } catch {
            unlink(path("\(hidden)/\(photo)"))
            rmdir(path(hidden))
            throw error
        }
        guard unlink(path(photo)) == 0 else { throw SystemError("cannot remove \(path(photo)) (now in \(folder)/)") }
        return folder
    }

    private func write(_ bytes: [UInt8], to relative: String) throws -> String {
        guard !FileManager.default.fileExists(atPath: path(relative)) else {
            throw SystemError("cannot add \(path(relative))", code: EEXIST)
        }
        // Group-readable: the gallery folder is the daemon's group's (setgid), its files are only read there.
        try AtomicFile.write(bytes, to: path(relative), permissions: 0o640)
        return relative
    }

    private func makeFolder(_ relative: String) throws {
        if mkdir(path(relative), 0o770) != 0, errno != EEXIST { throw SystemError("cannot create the folder \(path(relative))") }
    }

    private func isFolder(_ relative: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path(relative), isDirectory: &folder) && folder.boolValue
    }

    private func path(_ relative: String) -> String { (directory as NSString).appendingPathComponent(relative) }
}
