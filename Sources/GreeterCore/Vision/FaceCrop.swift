extension Image {
    /// The face with a margin of `margin` × its side all round (black past the border), at the frame's own
    /// resolution: a photo in which the gallery's detector finds the face again and that keeps its size.
    public func faceCrop(_ face: DetectedFace, margin: Float = 0.5) throws -> Image {
        let side = Int(max(face.box.width, face.box.height) * (1 + 2 * margin))
        let x = Int(face.box.center.x) - side / 2, y = Int(face.box.center.y) - side / 2
        return try cropped(x: x, y: y, cropWidth: side, cropHeight: side, toWidth: side, height: side,
                           interpolation: .linear)
    }
}
