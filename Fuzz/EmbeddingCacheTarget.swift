import Glibc

// libFuzzer target: the embedding cache reader on arbitrary bytes in place of embeddings.h5 (a disk error, a
// crash mid-write on a file system without atomic rename, a hostile state folder). It must throw or return,
// never crash. HDF5 itself is not instrumented; the Swift checks around it are.
private let path = "/tmp/door-greeter-fuzz-\(getpid()).h5"
/// The seed cache's fingerprint (scripts/fuzz passes it), so inputs get past the fingerprint check.
private let fingerprint = getenv("FUZZ_FINGERPRINT").map { String(cString: $0) } ?? ""

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmbeddingCache(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    _ = write(fd, data, size)
    close(fd)
    // Sealed, so that inputs get past the checksum to the checks behind it (libhdf5 itself is why the checksum
    // exists: some damaged files make it spin, and this target finds them).
    try? EmbeddingStore.seal(path)
    _ = try? EmbeddingStore.read(from: path, modelFingerprint: fingerprint)
    return 0
}
