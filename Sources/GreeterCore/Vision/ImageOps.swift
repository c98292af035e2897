import CVisionBridge

/// Pixel operations done by OpenCV; each returns a new image and leaves `self` untouched.
extension Image {
    public enum Interpolation: Int32, Sendable {
        case linear = 1 // CVB_INTER_LINEAR
        case area = 3 // CVB_INTER_AREA: the right filter for shrinking
    }

    public func resized(width: Int, height: Int, interpolation: Interpolation = .area) throws -> Image {
        try Image.produce(width: width, height: height) { dst in
            pixels.withUnsafeBufferPointer { src in
                cvb_resize(src.baseAddress, Int32(self.width), Int32(self.height), 3, dst, Int32(width),
                           Int32(height), interpolation.rawValue)
            }
        }
    }

    /// The rectangle at integer pixel coordinates, which may reach past the border (black there), scaled to
    /// `width` × `height`.
    public func cropped(x: Int, y: Int, cropWidth: Int, cropHeight: Int, toWidth width: Int, height: Int,
                        interpolation: Interpolation) throws -> Image {
        try Image.produce(width: width, height: height) { dst in
            pixels.withUnsafeBufferPointer { src in
                cvb_crop_resize(src.baseAddress, Int32(self.width), Int32(self.height), Int32(x), Int32(y),
                                Int32(cropWidth), Int32(cropHeight), dst, Int32(width), Int32(height),
                                interpolation.rawValue)
            }
        }
    }

    /// A square around `box`'s centre, `faces` times its longer side (black past the border), scaled to the
    /// nearest side in `sides`: a face picture with room around it (MQTT's visitor image, the visit's crop).
    public func square(around box: Rect, faces: Float, sides: ClosedRange<Int>) throws -> Image {
        let side = max(1, Int((max(box.width, box.height) * faces).rounded()))
        let out = min(max(side, sides.lowerBound), sides.upperBound)
        return try cropped(x: Int(box.center.x) - side / 2, y: Int(box.center.y) - side / 2, cropWidth: side,
                           cropHeight: side, toWidth: out, height: out, interpolation: out > side ? .linear : .area)
    }

    /// Left and right swapped.
    public func mirrored() -> Image {
        var flipped = pixels
        let row = width * 3
        pixels.withUnsafeBufferPointer { src in
            flipped.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<width {
                        let (from, to) = (y * row + x * 3, y * row + (width - 1 - x) * 3)
                        dst[to] = src[from]; dst[to + 1] = src[from + 1]; dst[to + 2] = src[from + 2]
                    }
                }
            }
        }
        return Image(width: width, height: height, pixels: flipped)
    }

    /// Warps by the 2×3 affine `matrix` (row-major) that maps this image's coordinates to the output's.
    public func warped(by matrix: [Double], width: Int, height: Int) throws -> Image {
        precondition(matrix.count == 6, "an affine matrix has 6 entries")
        return try Image.produce(width: width, height: height) { dst in
            pixels.withUnsafeBufferPointer { src in
                cvb_warp_affine(src.baseAddress, Int32(self.width), Int32(self.height), matrix, dst, Int32(width),
                                Int32(height))
            }
        }
    }

    /// Grey thumbnail (one byte a pixel), area-averaged: what the motion gate compares.
    public func grayThumbnail(width: Int, height: Int) throws -> [UInt8] {
        var grey = [UInt8](repeating: 0, count: width * height)
        let status = grey.withUnsafeMutableBufferPointer { dst in
            pixels.withUnsafeBufferPointer { src in
                cvb_gray_thumbnail(src.baseAddress, Int32(self.width), Int32(self.height), dst.baseAddress,
                                   Int32(width), Int32(height))
            }
        }
        try VisionError.check(status, "grey thumbnail")
        return grey
    }

    /// Fills a new image's pixels with a bridge call.
    static func produce(width: Int, height: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Int32) throws -> Image {
        var status: Int32 = 0
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
            status = fill(buffer.baseAddress!)
            count = buffer.count
        }
        try VisionError.check(status, "image operation")
        return Image(width: width, height: height, pixels: pixels)
    }
}
