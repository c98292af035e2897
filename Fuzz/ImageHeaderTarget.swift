// libFuzzer target: the photo header check and the truncation check, which read untrusted bytes from the gallery
// before any decoder does. Built by scripts/fuzz with the two source files it exercises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageHeader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let header = ImageHeader(bytes) {
        _ = ImageHeader.isComplete(bytes, format: header.format)
    }
    return 0
}
