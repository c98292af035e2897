import Foundation
import Testing
@testable import GreeterCore

/// Real HDF5 files in a fresh directory per test, read back by us, by h5dump and by h5py.
@Suite final class EmbeddingStoreTests {
    let directory: String
    let path: String
    static let fingerprint = "facenet:3f2a9c; mtcnn:77e1b0"
    static let dimension = 512

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedding-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        path = directory + "/embeddings.h5"
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// A distinct, reproducible embedding per seed.
    static func embedding(_ seed: Int) -> [Float] {
        (0..<dimension).map { Float(sin(Double(seed * 1000 + $0))) }
    }

    static let gallery: [CachedPhoto] = [
        CachedPhoto(path: "Ana.jpg", name: "Ana", size: 123_456, mtimeNanoseconds: 1_700_000_000_123_456_789,
                    sha256: String(repeating: "ab", count: 32),
                    templates: [Template(kind: "photo", embedding: embedding(1)), Template(kind: "flip", embedding: embedding(2)),
                                Template(kind: "mask:surgical-blue", embedding: embedding(3))]),
        CachedPhoto(path: "blurry/Bob.png", name: "Bob", size: 99, mtimeNanoseconds: -5, sha256: String(repeating: "0", count: 64),
                    rejection: "no face found"),
        CachedPhoto(path: "José Müller.jpg", name: "José Müller", size: 5_000_000, mtimeNanoseconds: 42,
                    sha256: String(repeating: "f", count: 64), templates: [Template(kind: "photo", embedding: embedding(4))]),
    ]

    func write(_ photos: [CachedPhoto] = gallery, fingerprint: String = fingerprint) throws {
        try EmbeddingStore.write(photos, modelFingerprint: fingerprint, embeddingDimension: Self.dimension, to: path)
    }

    func readError() -> String {
        do {
            let photos = try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint)
            return "no error, read \(String(describing: photos))"
        } catch {
            return String(describing: error)
        }
    }

    @Test func roundTripKeepsRejectionsTemplatesAndNonASCIINames() throws {
        try write()
        #expect(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) == Self.gallery)
    }

    @Test func emptyGalleryRoundTrips() throws {
        try write([])
        #expect(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) == [])
    }

    @Test func missingFileOrOtherModelIsNil() throws {
        #expect(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) == nil)
        try write(fingerprint: "facenet:other")
        #expect(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) == nil)
    }

    @Test func otherFormatVersionIsNil() throws {
        try write()
        try python("import h5py, sys\nwith h5py.File(sys.argv[1], 'r+') as f: f.attrs['version'] = 2")
        try EmbeddingStore.seal(path)
        #expect(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) == nil)
    }

    @Test func garbageFileIsAnErrorNamingIt() throws {
        try Data("not an HDF5 file, just text\n".utf8).write(to: URL(fileURLWithPath: path))
        let message = readError()
        #expect(message == "embedding cache \(path): check failed: it does not start with door-greeter's checksum (not a cache, or damaged)")
    }

    /// A flipped byte anywhere is caught before libhdf5 parses the file (some damaged files make it spin).
    @Test func damagedFileIsAnErrorBeforeHDF5ReadsIt() throws {
        try write()
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(readError() == "embedding cache \(path): check failed: its checksum does not match its content (damaged)")
    }

    /// A cache written before the checksum existed is embedded again, without a warning.
    @Test func unsealedOlderCacheIsNil() throws {
        try python("import h5py, sys\nwith h5py.File(sys.argv[1], 'w') as f: f.attrs['format'] = 'door-greeter embeddings'")
        #expect(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) == nil)
    }

    @Test func directoryIsAnErrorNamingIt() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(readError() == "embedding cache \(path): open failed: a folder, not a regular file")
    }

    @Test func truncatedFileIsAnErrorNamingIt() throws {
        try write()
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size / 2)) == 0)
        let message = readError()
        #expect(message.contains(path) && message.contains("checksum does not match"), "\(message)")

        // Sealed again, as a bug of ours could leave it: libhdf5 names what is missing.
        try EmbeddingStore.seal(path)
        let unsealed = readError()
        #expect(unsealed.contains(path) && unsealed.contains("truncated"), "\(unsealed)")
    }

    @Test func inconsistentFileIsAnErrorNamingTheDataset() throws {
        try write()
        try python("import h5py, sys\nwith h5py.File(sys.argv[1], 'r+') as f: f['templates/photo_index'][1] = 7")
        try EmbeddingStore.seal(path)  // as a bug of ours could write it: the checks behind the checksum name it
        var message = readError()
        #expect(message.contains(path) && message.contains("/templates/photo_index") && message.contains("entry 1 is 7"), "\(message)")

        try python("import h5py, sys\nwith h5py.File(sys.argv[1], 'r+') as f: del f['photos/sha256']")
        try EmbeddingStore.seal(path)
        message = readError()
        #expect(message.contains(path) && message.contains("open /photos/sha256 failed"), "\(message)")
    }

    @Test func foreignHDF5FileIsAnError() throws {
        try python("import h5py, sys\nwith h5py.File(sys.argv[1], 'w', userblock_size=512) as f: f.attrs['format'] = 'something else'")
        try EmbeddingStore.seal(path)
        let message = readError()
        #expect(message.contains(path) && message.contains("\"something else\""), "\(message)")
    }

    @Test func badInputIsRefusedBeforeTouchingTheFile() throws {
        var wrongDimension = Self.gallery
        wrongDimension[0].templates[1].embedding.removeLast()
        let error = #expect(throws: EmbeddingStoreError.self) { try self.write(wrongDimension) }
        #expect(error?.description == "embedding cache \(path): write failed: photo \"Ana.jpg\" template \"flip\" has 511 values, expected 512")
        var emptyRejection = Self.gallery
        emptyRejection[1].rejection = ""
        #expect(throws: EmbeddingStoreError.self) { try self.write(emptyRejection) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
    }

    @Test func h5dumpListsTheLayout() throws {
        try write()
        let dump = try run("/usr/bin/h5dump", ["-H", path])
        for expected in ["ATTRIBUTE \"model_fingerprint\"", "GROUP \"photos\"", "DATASET \"mtime_ns\"", "DATASET \"rejection\"",
                         "GROUP \"templates\"", "DATASET \"embedding\"", "( 4, 512 )", "H5T_IEEE_F32LE", "CSET H5T_CSET_UTF8"] {
            #expect(dump.contains(expected), "h5dump output lacks \(expected)")
        }
    }

    struct PythonView: Decodable, Equatable {
        var format: String, version: Int, fingerprint: String, dim: Int
        var photos: [Int], embedding: [Int], photoIndex: [Int], names: [String], kinds: [String], rejection: [String]
        var value: Float
    }

    static let pythonView = """
        import h5py, json, sys
        with h5py.File(sys.argv[1], 'r') as f:
            p, t = f['photos'], f['templates']
            print(json.dumps({'format': f.attrs['format'], 'version': int(f.attrs['version']),
                'fingerprint': f.attrs['model_fingerprint'], 'dim': int(f.attrs['embedding_dim']),
                'photos': list(p['path'].shape), 'embedding': list(t['embedding'].shape),
                'photoIndex': t['photo_index'][:].tolist(), 'names': list(p['name'].asstr()[:]),
                'kinds': list(t['kind'].asstr()[:]), 'rejection': list(p['rejection'].asstr()[:]),
                'value': float(t['embedding'][2, 7]) if len(t['embedding']) > 2 else 0.0}))
        """

    @Test func h5pyReadsShapesAndValues() throws {
        try write()
        let view = try JSONDecoder().decode(PythonView.self, from: Data(try python(Self.pythonView).utf8))
        #expect(view == PythonView(format: "door-greeter embeddings", version: 1, fingerprint: Self.fingerprint, dim: 512,
                                   photos: [3], embedding: [4, 512], photoIndex: [0, 0, 0, 2], names: ["Ana", "Bob", "José Müller"],
                                   kinds: ["photo", "flip", "mask:surgical-blue", "photo"], rejection: ["", "no face found", ""],
                                   value: Self.embedding(3)[7]))
    }

    @Test func h5pyReadsAnEmptyGallery() throws {
        try write([])
        let view = try JSONDecoder().decode(PythonView.self, from: Data(try python(Self.pythonView).utf8))
        #expect(view.photos == [0] && view.embedding == [0, 512] && view.names.isEmpty && view.dim == 512)
    }

    @Test func replacingLeavesOnlyTheNewFile() throws {
        try write([Self.gallery[1]])
        // A temporary left by a crash must neither block nor outlive the next write.
        try Data("torn".utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
        try write()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["embeddings.h5"])
        #expect(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) == Self.gallery)
    }

    @Test func failedWriteLeavesTheOldFile() throws {
        try write([Self.gallery[1]])
        // A directory where the temporary file belongs makes the write fail after validation.
        try FileManager.default.createDirectory(atPath: path + ".tmp", withIntermediateDirectories: false)
        let error = #expect(throws: EmbeddingStoreError.self) { try self.write() }
        #expect(error?.description.hasPrefix("embedding cache \(path).tmp: create failed: ") == true, "\(String(describing: error))")
        #expect(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) == [Self.gallery[1]])
    }

    @Test func concurrentWritersLeaveOneWholeFile() async throws {
        let path = path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for count in 0..<8 {
                group.addTask {
                    try EmbeddingStore.write(Array(Self.gallery.prefix(count % 4)), modelFingerprint: Self.fingerprint,
                                             embeddingDimension: Self.dimension, to: path)
                }
            }
            try await group.waitForAll()
        }
        let photos = try #require(try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint))
        #expect(photos == Array(Self.gallery.prefix(photos.count)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["embeddings.h5"])
    }

    @Test func concurrentReadersAgree() async throws {
        try write()
        let path = path
        let results = try await withThrowingTaskGroup(of: [CachedPhoto]?.self) { group in
            for _ in 0..<8 { group.addTask { try EmbeddingStore.read(from: path, modelFingerprint: Self.fingerprint) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: Self.gallery, count: 8))
    }

    @discardableResult
    func python(_ script: String) throws -> String {
        try run("/usr/bin/python3", ["-c", script, path])
    }

    /// Runs a tool to completion and returns its standard output; a failure becomes a test error with its stderr.
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolFailed(description: "\(executable) \(arguments.dropLast()) exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    struct ToolFailed: Error, CustomStringConvertible { let description: String }
}
