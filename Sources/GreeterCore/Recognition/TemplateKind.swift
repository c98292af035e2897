extension Template {
    /// The kind of an enrolment photo's own template; every other kind is synthetic (made by an augmentation).
    public static let photoKind = "photo"

    public static func isSynthetic(kind: String) -> Bool { kind != photoKind }
}
