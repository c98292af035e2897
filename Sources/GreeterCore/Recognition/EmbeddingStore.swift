import Glibc

/// One face template of a gallery photo: what produced it ("photo", "flip", "mask:surgical-blue", ...) and
/// its embedding.
public struct Template: Sendable, Equatable, Codable {
    public var kind: String
    public var embedding: [Float]

    public init(kind: String, embedding: [Float]) {
        self.kind = kind
        self.embedding = embedding
    }
}

/// What the cache remembers of one gallery file: enough to tell it is unchanged, and the result of embedding
/// it, either templates or why it was rejected.
public struct CachedPhoto: Sendable, Equatable {
    /// Relative to the gallery folder.
    public var path: String
    public var name: String
    public var size: Int64
    public var mtimeNanoseconds: Int64
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    /// Why the photo was refused (no face, two faces, ...); nil when accepted. Never empty.
    public var rejection: String?
    public var templates: [Template]

    public init(path: String, name: String, size: Int64, mtimeNanoseconds: Int64, sha256: String,
                rejection: String? = nil, templates: [Template] = []) {
        self.path = path
        self.name = name
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.sha256 = sha256
        self.rejection = rejection
        self.templates = templates
    }
}

/// A failure reading or writing an embedding cache: which file, which step, and why.
public struct EmbeddingStoreError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let operation: String
    public let reason: String

    public var description: String { "embedding cache \(path): \(operation) failed: \(reason)" }
}

/// The gallery's embeddings in one HDF5 file, so that a restart with an unchanged gallery embeds nothing.
///
/// Layout (N photos, T templates, D = embedding dimension; strings are variable-length UTF-8):
/// - root attributes `format` = "door-greeter embeddings", `version` = 1 (int64), `model_fingerprint` (string),
///   `embedding_dim` = D (int64)
/// - `/photos/path`, `/photos/name`, `/photos/sha256`, `/photos/rejection` (string, N; rejection "" = accepted),
///   `/photos/size`, `/photos/mtime_ns` (int64, N)
/// - `/templates/photo_index` (int32, T: row in /photos), `/templates/kind` (string, T),
///   `/templates/embedding` (float32, T×D)
/// An empty gallery is zero-length datasets. The first 512 bytes (an HDF5 user block, which libhdf5 and h5py skip)
/// hold the SHA-256 of the rest, checked before libhdf5 sees the file: some damaged files make libhdf5 spin for
/// minutes, and a damaged cache must cost a re-embedding, never a hung gallery scan.
public enum EmbeddingStore {
    public static let format = "door-greeter embeddings"
    public static let version: Int64 = 1

    /// Replaces the file at `path` atomically: writes `path.tmp` beside it, fsyncs it, renames it over `path` and
    /// fsyncs the directory, so a crash at any moment leaves the old or the new cache, never a torn one. The
    /// temporary name is fixed so that one left by a crash is overwritten next time rather than piling up; hence
    /// one writing process per cache file.
    public static func write(_ photos: [CachedPhoto], modelFingerprint: String, embeddingDimension: Int, to path: String) throws {
        try validate(photos, embeddingDimension: embeddingDimension, path: path)
        let temporary = path + ".tmp"
        // The lock spans the rename too: two writers in this process must not share the temporary at once.
        try HDF5File.serialized {
            do {
                let file = try HDF5File.create(temporary, userBlock: sealSize)
                try write(photos, modelFingerprint: modelFingerprint, embeddingDimension: embeddingDimension, into: file)
                try file.close()
                try seal(temporary)
                // HDF5 creates files by the umask; embeddings of faces are nobody else's business.
                guard chmod(temporary, 0o600) == 0 else { throw systemError(temporary, "chmod 0600") }
                try synchronize(temporary, directory: false)
                guard rename(temporary, path) == 0 else { throw systemError(temporary, "rename to \(path)") }
            } catch {
                unlink(temporary)
                throw error
            }
        }
        try synchronize(directory(of: path), directory: true)
    }

    /// The cached photos in the order written; nil when there is no file at `path` or it was written by another
    /// format version or for another model. Throws, naming the file, when it exists but cannot be read or is not
    /// a consistent cache.
    public static func read(from path: String, modelFingerprint: String) throws -> [CachedPhoto]? {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            if error.code == ENOENT { return nil }
            throw EmbeddingStoreError(path: path, operation: "open", reason: error.reason)
        }
        // A cache from before the seal: embedded again, as for another format version.
        if bytes.starts(with: hdf5Signature) { return nil }
        try checkSeal(bytes, path: path)
        return try HDF5File.serialized { () throws -> [CachedPhoto]? in
            let file = try HDF5File.openForReading(path)
            let fileFormat = try file.readStringAttribute("format")
            guard fileFormat == format else { throw file.error("check format", "it is \"\(fileFormat)\", not \"\(format)\"") }
            guard try file.readIntegerAttribute("version") == version,
                  try file.readStringAttribute("model_fingerprint") == modelFingerprint else { return nil }
            return try readPhotos(from: file)
        }
    }

    private static func validate(_ photos: [CachedPhoto], embeddingDimension: Int, path: String) throws {
        func invalid(_ reason: String) -> EmbeddingStoreError { EmbeddingStoreError(path: path, operation: "write", reason: reason) }
        guard embeddingDimension > 0 else { throw invalid("embedding dimension \(embeddingDimension) is not positive") }
        guard photos.count <= Int(Int32.max) else { throw invalid("\(photos.count) photos do not fit the int32 photo_index") }
        for photo in photos {
            // "" stands for "accepted" in the file, so an empty reason would come back as acceptance.
            guard photo.rejection != "" else { throw invalid("photo \"\(photo.path)\" has an empty rejection reason") }
            for template in photo.templates where template.embedding.count != embeddingDimension {
                throw invalid("photo \"\(photo.path)\" template \"\(template.kind)\" has \(template.embedding.count) values, expected \(embeddingDimension)")
            }
        }
    }

    private static func write(_ photos: [CachedPhoto], modelFingerprint: String, embeddingDimension: Int, into file: HDF5File) throws {
        try file.writeAttribute("format", format)
        try file.writeAttribute("version", version)
        try file.writeAttribute("model_fingerprint", modelFingerprint)
        try file.writeAttribute("embedding_dim", Int64(embeddingDimension))

        try file.createGroup("/photos")
        try file.writeStrings(photos.map(\.path), to: "/photos/path")
        try file.writeStrings(photos.map(\.name), to: "/photos/name")
        try file.write(photos.map(\.size), shape: [photos.count], to: "/photos/size")
        try file.write(photos.map(\.mtimeNanoseconds), shape: [photos.count], to: "/photos/mtime_ns")
        try file.writeStrings(photos.map(\.sha256), to: "/photos/sha256")
        try file.writeStrings(photos.map { $0.rejection ?? "" }, to: "/photos/rejection")

        let owners = photos.indices.flatMap { index in photos[index].templates.map { _ in Int32(index) } }
        let templates = photos.flatMap(\.templates)
        try file.createGroup("/templates")
        try file.write(owners, shape: [owners.count], to: "/templates/photo_index")
        try file.writeStrings(templates.map(\.kind), to: "/templates/kind")
        try file.write(templates.flatMap(\.embedding), shape: [templates.count, embeddingDimension], to: "/templates/embedding")
    }

    private static func readPhotos(from file: HDF5File) throws -> [CachedPhoto] {
        let dimension = try file.readIntegerAttribute("embedding_dim")
        guard dimension > 0 else { throw file.error("read attribute embedding_dim", "\(dimension) is not positive") }

        let paths = try file.readStrings("/photos/path")
        let names = try file.readStrings("/photos/name")
        let sizes = try file.read(Int64.self, "/photos/size", rank: 1).values
        let mtimes = try file.read(Int64.self, "/photos/mtime_ns", rank: 1).values
        let hashes = try file.readStrings("/photos/sha256")
        let rejections = try file.readStrings("/photos/rejection")
        for (name, count) in [("name", names.count), ("size", sizes.count), ("mtime_ns", mtimes.count),
                              ("sha256", hashes.count), ("rejection", rejections.count)] where count != paths.count {
            throw file.error("read /photos/\(name)", "it has \(count) entries but /photos/path has \(paths.count)")
        }

        let owners = try file.read(Int32.self, "/templates/photo_index", rank: 1).values
        let kinds = try file.readStrings("/templates/kind")
        let embeddings = try file.read(Float.self, "/templates/embedding", rank: 2)
        guard kinds.count == owners.count else {
            throw file.error("read /templates/kind", "it has \(kinds.count) entries but /templates/photo_index has \(owners.count)")
        }
        guard embeddings.shape == [owners.count, Int(dimension)] else {
            throw file.error("read /templates/embedding", "its shape is \(embeddings.shape), expected [\(owners.count), \(dimension)]")
        }

        var templates = [[Template]](repeating: [], count: paths.count)
        for (row, owner) in owners.enumerated() {
            guard templates.indices.contains(Int(owner)) else {
                throw file.error("read /templates/photo_index", "entry \(row) is \(owner), but there are \(paths.count) photos")
            }
            let start = row * Int(dimension)
            templates[Int(owner)].append(Template(kind: kinds[row], embedding: Array(embeddings.values[start..<start + Int(dimension)])))
        }
        return paths.indices.map { index in
            CachedPhoto(path: paths[index], name: names[index], size: sizes[index], mtimeNanoseconds: mtimes[index],
                        sha256: hashes[index], rejection: rejections[index].isEmpty ? nil : rejections[index],
                        templates: templates[index])
        }
    }

    static let sealSize = 512
    private static let sealTag = Array("door-greeter embeddings sha256 ".utf8)
    private static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Writes the checksum of everything after the user block into it.
    static func seal(_ path: String) throws {
        let bytes = try FileBytes.read(path)
        guard bytes.count > sealSize else { throw EmbeddingStoreError(path: path, operation: "seal", reason: "it has no HDF5 data") }
        var header = sealTag + Array(sha256(of: bytes).utf8) + [0x0A]
        header += [UInt8](repeating: 0, count: sealSize - header.count)
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw systemError(path, "open to seal") }
        defer { close(descriptor) }
        guard pwrite(descriptor, header, header.count, 0) == header.count else { throw systemError(path, "seal") }
    }

    private static func checkSeal(_ bytes: [UInt8], path: String) throws {
        func damaged(_ reason: String) -> EmbeddingStoreError {
            EmbeddingStoreError(path: path, operation: "check", reason: reason)
        }
        guard bytes.count > sealSize, bytes.starts(with: sealTag) else {
            throw damaged("it does not start with door-greeter's checksum (not a cache, or damaged)")
        }
        let stored = String(decoding: bytes[sealTag.count..<sealTag.count + 64], as: UTF8.self)
        guard stored == sha256(of: bytes) else { throw damaged("its checksum does not match its content (damaged)") }
    }

    private static func sha256(of bytes: [UInt8]) -> String { SHA256.hexDigest(of: Array(bytes[sealSize...])) }

    /// HDF5 closes its files without fsync; durability across a power cut needs it on the file and, after the
    /// rename, on the directory entry.
    private static func synchronize(_ path: String, directory: Bool) throws {
        let descriptor = open(path, O_RDONLY | (directory ? O_DIRECTORY : 0))
        guard descriptor >= 0 else { throw systemError(path, "open for fsync") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw systemError(path, "fsync") }
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func systemError(_ path: String, _ operation: String) -> EmbeddingStoreError {
        EmbeddingStoreError(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
