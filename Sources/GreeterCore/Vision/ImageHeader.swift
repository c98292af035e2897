/// The format and pixel size an encoded image declares, read from its first bytes without decoding it, so a
/// decompression bomb (a small file that claims gigapixels) is refused before any memory is spent on it.
public struct ImageHeader: Sendable, Equatable {
    public enum Format: String, Sendable { case jpeg, png, gif, bmp, webp, tiff, pnm }
    public let format: Format
    /// nil when the format is known but its header does not state a size we can read cheaply.
    public let width: Int?
    public let height: Int?

    /// nil when the bytes are not any image format we know.
    public init?(_ bytes: [UInt8]) {
        func be16(_ i: Int) -> Int { i + 1 < bytes.count ? Int(bytes[i]) << 8 | Int(bytes[i + 1]) : 0 }
        func le16(_ i: Int) -> Int { i + 1 < bytes.count ? Int(bytes[i + 1]) << 8 | Int(bytes[i]) : 0 }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        func le32(_ i: Int) -> Int { le16(i + 2) << 16 | le16(i) }
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }

        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            (format, width, height) = (.png, be32(16), be32(20))
        } else if starts([0xFF, 0xD8, 0xFF]) {
            format = .jpeg
            (width, height) = ImageHeader.jpegSize(bytes) ?? (nil, nil)
        } else if starts(Array("GIF8".utf8)) {
            (format, width, height) = (.gif, le16(6), le16(8))
        } else if starts(Array("BM".utf8)) {
            (format, width, height) = (.bmp, abs(Int(Int32(truncatingIfNeeded: le32(18)))),
                                       abs(Int(Int32(truncatingIfNeeded: le32(22)))))
        } else if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) {
            format = .webp
            if starts(Array("VP8X".utf8), at: 12) {
                (width, height) = ((le32(24) & 0xFFFFFF) + 1, (le32(27) & 0xFFFFFF) + 1)
            } else if starts(Array("VP8 ".utf8), at: 12) {
                (width, height) = (le16(26) & 0x3FFF, le16(28) & 0x3FFF)
            } else if starts(Array("VP8L".utf8), at: 12) {
                let bits = le32(21)
                (width, height) = ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
            } else {
                (width, height) = (nil, nil)
            }
        } else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) {
            (format, width, height) = (.tiff, nil, nil)
        } else if bytes.count > 2, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[1]) {
            (format, width, height) = (.pnm, nil, nil)
        } else {
            return nil
        }
    }

    /// Walks the JPEG markers up to the first start-of-frame, which holds the size.
    private static func jpegSize(_ bytes: [UInt8]) -> (Int, Int)? {
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isStartOfFrame {
                return (Int(bytes[i + 7]) << 8 | Int(bytes[i + 8]), Int(bytes[i + 5]) << 8 | Int(bytes[i + 6]))
            }
            i += 2 + length
        }
        return nil
    }
}
