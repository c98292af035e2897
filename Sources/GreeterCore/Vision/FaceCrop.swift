extension Image {
    /// A photo of one face for the gallery (a visit's crop, a shot of `enrol --from-camera`): a square two face
    /// sizes wide, so the gallery's detector finds the face in it again, scaled into `sides` so a small face is
    /// enlarged past the gallery's minimum face size (80 px by default).
    public func faceCrop(around box: Rect) throws -> Image {
        try square(around: box, faces: 2, sides: Self.faceCropSides)
    }

    public static let faceCropSides = 224...400
}
