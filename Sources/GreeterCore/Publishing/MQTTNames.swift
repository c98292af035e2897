/// What may stand in a topic or an id: the config checks with these, the publisher builds with them.
public enum MQTTNames {
    public static func isHost(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 253
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-:".unicodeScalars.contains($0)) }
    }

    public static func isDeviceID(_ text: String) -> Bool {
        (1...64).contains(text.count) && text.unicodeScalars.allSatisfy(isIDCharacter)
    }

    /// Levels of printable characters, no wildcards, nothing empty at either end (an empty level in the middle
    /// is legal MQTT but always a typo here).
    public static func isTopicPrefix(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count < 200
            && text.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty }
            && text.unicodeScalars.allSatisfy { $0 != "+" && $0 != "#" && $0.value > 0x20 && $0.value != 0x7F }
    }

    /// `Mary Jane Smith` → `mary_jane_smith`: a topic level and a Home Assistant object id.
    public static func slug(_ name: String) -> String {
        let words = PersonName.key(name).unicodeScalars.split { !isIDCharacter($0) || $0 == "-" || $0 == "_" }
        let slug = words.map { String(String.UnicodeScalarView($0)) }.joined(separator: "_")
        return slug.isEmpty ? "person" : slug
    }

    /// A host name made into a device id: `Front-Door.local` → `front-door`.
    public static func deviceID(fromHostName host: String) -> String {
        let first = host.split(separator: ".").first.map(String.init) ?? ""
        let id = String(String.UnicodeScalarView(first.lowercased().unicodeScalars.filter(isIDCharacter)).prefix(64))
        return id.isEmpty ? "door-greeter" : id
    }

    private static func isIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "_" || scalar == "-"
    }
}
