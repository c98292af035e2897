/// Where each key of a TOML document is written, by line.
///
/// TOMLKit gives a line only for syntax errors, not for the values it returns, yet "line 42" is what a person editing
/// the file needs. So this scans the (already successfully parsed) text for table headers and `key =` lines, skipping
/// comments and multi-line strings. It serves messages only: a key it cannot place just gets no line number.
struct TOMLKeyLines {
    private var lines: [[String]: Int] = [:]

    init(_ text: String) {
        var table: [String] = []
        var openMultilineString: String?  // the delimiter of a multi-line string still open at the end of a line
        let text = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)  // toml++ skips a byte-order mark
        let textLines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, line) in textLines.enumerated() {
            if let delimiter = openMultilineString {
                if line.ranges(of: delimiter).count % 2 == 1 { openMultilineString = nil }
                continue
            }
            let content = line.drop(while: Self.isBlank)
            if content.first == "[" {
                let header = content.dropFirst(content.hasPrefix("[[") ? 2 : 1)
                if let (keys, after) = Self.dottedKey(header), after.first == "]" {
                    table = keys
                    record(keys, line: index + 1)
                }
            } else if let (keys, after) = Self.dottedKey(content), after.first == "=" {
                record(table + keys, line: index + 1)
                let value = after.dropFirst().drop(while: Self.isBlank)
                for delimiter in ["\"\"\"", "'''"]
                where value.hasPrefix(delimiter) && value.ranges(of: delimiter).count % 2 == 1 {
                    openMultilineString = delimiter
                }
            }
        }
    }

    /// The line of `path`, or failing that of its nearest enclosing key (for keys inside inline tables).
    func line(of path: [String]) -> Int? {
        for length in stride(from: path.count, to: 0, by: -1) {
            if let line = lines[Array(path.prefix(length))] { return line }
        }
        return nil
    }

    /// Also records the tables that `a.b.c = 1` or `[a.b]` create implicitly, at their first mention.
    private mutating func record(_ path: [String], line: Int) {
        for length in 1...max(path.count, 1) where lines[Array(path.prefix(length))] == nil {
            lines[Array(path.prefix(length))] = line
        }
    }

    private static func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }

    /// What a key may be made of without quotes.
    static func isBareKeyCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "-")
    }

    /// A dotted key (`a."b c".d`) at the start of `text`: its parts, and the text after it with blanks skipped.
    private static func dottedKey(_ text: Substring) -> ([String], Substring)? {
        var keys: [String] = []
        var rest = text
        while true {
            guard let (key, after) = simpleKey(rest.drop(while: isBlank)) else { return nil }
            keys.append(key)
            rest = after.drop(while: isBlank)
            guard rest.first == "." else { return (keys, rest) }
            rest = rest.dropFirst()
        }
    }

    /// A bare, "basic" or 'literal' key. Escapes other than \" and \\ are not decoded; such keys just miss.
    private static func simpleKey(_ text: Substring) -> (String, Substring)? {
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            let bare = text.prefix(while: isBareKeyCharacter)
            return bare.isEmpty ? nil : (String(bare), text[bare.endIndex...])
        }
        var key = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            var character = text[index]
            if character == quote { return (key, text[text.index(after: index)...]) }
            if character == "\\" && quote == "\"" {
                index = text.index(after: index)
                guard index < text.endIndex else { return nil }
                character = text[index]
            }
            key.append(character)
            index = text.index(after: index)
        }
        return nil
    }
}
