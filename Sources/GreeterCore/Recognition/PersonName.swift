/// The name a gallery file or folder stands for: `mary-jane_smith.jpg` → "Mary Jane Smith".
public enum PersonName {
    public static func fromFile(_ stem: String) -> String {
        stem.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " || $0 == "." })
            .map { word in word.prefix(1).uppercased() + word.dropFirst() }
            .joined(separator: " ")
    }

    /// Names that differ only in case or separators are the same person.
    public static func key(_ name: String) -> String {
        fromFile(name).lowercased()
    }
}
