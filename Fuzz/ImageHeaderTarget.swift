// libFuzzer target: the photo header check, which reads untrusted bytes from the gallery before any decoder
// does. Built by scripts/fuzz with the source file it exercises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageHeader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = ImageHeader(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
