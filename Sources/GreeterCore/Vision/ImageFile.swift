import CVisionBridge
import Foundation

/// Reading and writing image files, refusing what is not an image or is absurdly large before decoding it.
public enum ImageFile {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Decodes encoded bytes to BGR. `maxPixels` bounds the declared size (width × height).
    public static func decode(_ bytes: [UInt8], maxPixels: Int) throws -> Image {
        guard let header = ImageHeader(bytes) else {
            throw Problem(description: bytes.isEmpty ? "empty file" : "not an image (unknown format)")
        }
        if let width = header.width, let height = header.height {
            guard width > 0, height > 0 else {
                throw Problem(description: "\(header.format.rawValue) header declares a \(width)x\(height) image")
            }
            guard width * height <= maxPixels else {
                throw Problem(description: "\(width)x\(height) \(header.format.rawValue) is over the limit of "
                    + "\(maxPixels) pixels (a decompression bomb, or a photo to scale down)")
            }
        }
        var decoded = cvb_pixels()
        let status = bytes.withUnsafeBufferPointer { cvb_decode_image($0.baseAddress, $0.count, &decoded) }
        guard status == 0 else {
            throw Problem(description: "cannot decode \(header.format.rawValue): \(String(cString: cvb_last_error()))")
        }
        defer { cvb_free(decoded.data) }
        let (width, height) = (Int(decoded.width), Int(decoded.height))
        guard width * height <= maxPixels else {
            throw Problem(description: "\(width)x\(height) is over the limit of \(maxPixels) pixels")
        }
        return Image(width: width, height: height,
                     pixels: Array(UnsafeBufferPointer(start: decoded.data, count: width * height * 3)))
    }

    /// Reads and decodes a file; errors say what is wrong with it (the caller names the file).
    public static func read(_ path: String, maxPixels: Int = 40_000_000) throws -> Image {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch {
            throw Problem(description: error.reason)
        }
        return try decode(bytes, maxPixels: maxPixels)
    }

    /// `image` as JPEG bytes, e.g. to send a face crop over the network.
    public static func jpeg(_ image: Image, quality: Int = 85) throws -> [UInt8] {
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = image.pixels.withUnsafeBufferPointer {
            cvb_encode_jpeg($0.baseAddress, Int32(image.width), Int32(image.height), Int32(quality), &bytes, &length)
        }
        try VisionError.check(status, "cannot encode a JPEG")
        defer { cvb_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }

    /// Writes `image`; the format follows the extension (.jpg, .png, ...).
    public static func write(_ image: Image, to path: String) throws {
        let status = image.pixels.withUnsafeBufferPointer {
            cvb_write_image(path, $0.baseAddress, Int32(image.width), Int32(image.height))
        }
        try VisionError.check(status, "cannot write \(path)")
    }
}
