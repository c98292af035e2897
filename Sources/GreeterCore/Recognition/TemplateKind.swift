extension Template {
    /// The kind of an enrolment photo's own template; every other kind is synthetic (made by an augmentation)
    /// or a negative.
    public static let photoKind = "photo"
    /// The kind of a correction's template (`NAME/.not/ID.jpg`): a face that is *not* this person. It never
    /// names anyone; it only stops the matcher from naming its person for faces nearer to it than to them.
    public static let negativeKind = "not"

    public static func isSynthetic(kind: String) -> Bool { kind != photoKind && kind != negativeKind }

    public static func isNegative(kind: String) -> Bool { kind == negativeKind }
}
