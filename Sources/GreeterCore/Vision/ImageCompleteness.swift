extension ImageHeader {
    /// False when a JPEG or PNG stops before its end marker: a file cut short, or still being written. libjpeg
    /// only warns about a missing end and decodes the half it has (grey below), which must not become a template.
    /// Other formats are left to the decoder.
    public static func isComplete(_ bytes: [UInt8], format: Format) -> Bool {
        switch format {
        case .jpeg: jpegEnds(bytes)
        case .png: pngEnds(bytes)
        default: true
        }
    }

    /// Walks the segments (each has a length) to a start of scan, then the entropy-coded data, in which a 0xFF is
    /// either stuffed (FF 00) or a restart marker (FF D0–D7); any other marker there ends the scan. Data after the
    /// end-of-image marker (FF D9) is allowed: some cameras append a trailer or a video.
    private static func jpegEnds(_ bytes: [UInt8]) -> Bool {
        var i = 2
        while i + 1 < bytes.count {
            guard bytes[i] == 0xFF else { return false }
            let marker = bytes[i + 1]
            switch marker {
            case 0xFF: i += 1  // fill byte
            case 0xD9: return true
            case 0xD0...0xD7, 0x01: i += 2  // markers without a length
            default:
                guard i + 3 < bytes.count else { return false }
                i += 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
                if marker == 0xDA {  // start of scan: skip its entropy-coded data
                    while i + 1 < bytes.count,
                          !(bytes[i] == 0xFF && bytes[i + 1] != 0x00 && !(0xD0...0xD7).contains(bytes[i + 1])) {
                        i += 1
                    }
                }
            }
        }
        return false
    }

    /// Chunks are length, type, data and CRC; the image is whole when an IEND chunk fits in the file.
    private static func pngEnds(_ bytes: [UInt8]) -> Bool {
        var i = 8
        while i + 8 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            let isEnd = bytes[(i + 4)..<(i + 8)].elementsEqual("IEND".utf8)
            i += 12 + length
            if isEnd { return i <= bytes.count }
        }
        return false
    }
}
