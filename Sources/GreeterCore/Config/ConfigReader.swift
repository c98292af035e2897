import TOMLKit

/// Typed, checked reads of dotted keys from a parsed TOML document.
///
/// A read of a missing or bad key leaves its target (the default) alone; a bad one also records a problem, so one pass
/// over the schema collects every problem in the file. Every key read is remembered as part of the schema,
/// which `recordUnknownKeys()` then checks the whole document against.
struct ConfigReader {
    let file: String
    let root: TOMLTable
    let keyLines: TOMLKeyLines
    private(set) var problems: [ConfigError.Problem] = []
    /// Every key read so far, in reading order (which is the order of the example file).
    private(set) var knownKeys: [[String]] = []

    init(file: String, root: TOMLTable, text: String) {
        self.file = file
        self.root = root
        self.keyLines = TOMLKeyLines(text)
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>, into target: inout Int) {
        read(key, into: &target, expected: "an integer in \(range)") { found in
            found.int.map { range.contains($0) ? .valid($0) : .invalid("out of range") }
        }
    }

    /// Integers are accepted too: `cooldown_minutes = 30` means 30.0.
    mutating func double(_ key: String, in range: ClosedRange<Double>, into target: inout Double) {
        read(key, into: &target, expected: "a number in \(Self.format(range))") { found in
            (found.double ?? found.int.map(Double.init)).map {
                range.contains($0) ? .valid($0) : .invalid("out of range")
            }
        }
    }

    mutating func bool(_ key: String, into target: inout Bool) {
        read(key, into: &target, expected: "true or false") { $0.bool.map { .valid($0) } }
    }

    mutating func string(_ key: String, into target: inout String) {
        read(key, into: &target, expected: "a string") { $0.string.map { .valid($0) } }
    }

    /// A string that must pass `parse`; `invalid` says what is wrong with one that does not.
    mutating func string<T>(
        _ key: String, into target: inout T, expected: String, invalid: String, parse: (String) -> T?
    ) {
        read(key, into: &target, expected: expected) { found in
            found.string.map { parse($0).map { .valid($0) } ?? .invalid(invalid) }
        }
    }

    mutating func absolutePath(_ key: String, into target: inout String) {
        string(key, into: &target, expected: "an absolute path (starting with /)", invalid: "not absolute") {
            $0.hasPrefix("/") ? $0 : nil
        }
    }

    /// "" (not set) or an absolute path.
    mutating func optionalAbsolutePath(_ key: String, into target: inout String) {
        string(key, into: &target, expected: "\"\" (not set) or an absolute path (starting with /)",
               invalid: "not absolute") { $0.isEmpty || $0.hasPrefix("/") ? $0 : nil }
    }

    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, into target: inout Choice)
    where Choice.RawValue == String {
        let choices = Choice.allCases.map { Self.quoted($0.rawValue) }.joined(separator: ", ")
        string(key, into: &target, expected: "one of \(choices)", invalid: "unknown choice", parse: Choice.init)
    }

    mutating func doubles(_ key: String, count: Int, in range: ClosedRange<Double>, into target: inout [Double]) {
        read(key, into: &target, expected: "an array of \(count) numbers, each in \(Self.format(range))") { found in
            guard let array = found.array else { return nil }
            let numbers = array.compactMap { $0.double ?? $0.int.map(Double.init) }
            guard numbers.count == array.count else { return nil }
            guard numbers.count == count else { return .invalid("wrong length") }
            return numbers.allSatisfy(range.contains) ? .valid(numbers) : .invalid("an element is out of range")
        }
    }

    /// A table of any keys whose values are all strings.
    mutating func stringTable(_ key: String, valueMeaning: String, into target: inout [String: String]) {
        let path = Self.path(key)
        knownKeys.append(path)
        guard let found = value(at: path) else { return }
        guard let table = found.table else {
            record(path, found: found, message: "wrong type, expected a table of \(valueMeaning) strings")
            return
        }
        for (name, text) in entries(of: table, at: path) {
            if let text = text.string {
                target[name] = text
            } else {
                record(path + [name], found: text, message: "wrong type, expected a string (\(valueMeaning))")
            }
        }
    }

    /// A table's entries. TOMLKit's own iterator crashes on a key containing NUL (its C bridge cuts the key short,
    /// then force-unwraps the failed lookup); here such a key is a problem instead.
    mutating func entries(of table: TOMLTable, at prefix: [String]) -> [(key: String, value: TOMLValueConvertible)] {
        table.keys.compactMap { key in
            guard let value = table[key] else {
                record(prefix + [key], found: nil, message: "unreadable key, it contains a NUL character (\\u0000)")
                return nil
            }
            return (key, value)
        }
    }

    mutating func record(_ path: [String], found: TOMLValueConvertible?, message: String) {
        problems.append(
            .init(
                file: file, line: keyLines.line(of: path), key: Self.display(path),
                found: found.map(Self.render), message: message))
    }

    func hasProblem(_ key: String) -> Bool {
        problems.contains { $0.key == key }
    }

    func value(at path: [String]) -> TOMLValueConvertible? {
        var table = root
        for key in path.dropLast() {
            guard let inner = table[key]?.table else { return nil }
            table = inner
        }
        return path.last.flatMap { table[$0] }
    }

    private enum Check<Value> {
        case valid(Value)
        /// Of the right type but not allowed; the reason names how.
        case invalid(String)
    }

    /// `check` returns nil when the value has the wrong type.
    private mutating func read<Value>(
        _ key: String, into target: inout Value, expected: String, check: (TOMLValueConvertible) -> Check<Value>?
    ) {
        let path = Self.path(key)
        knownKeys.append(path)
        guard let found = value(at: path) else { return }
        switch check(found) {
        case .valid(let valid): target = valid
        case .invalid(let reason): record(path, found: found, message: "\(reason), expected \(expected)")
        case nil: record(path, found: found, message: "wrong type, expected \(expected)")
        }
    }

    static func path(_ key: String) -> [String] {
        key.split(separator: ".").map(String.init)
    }

    /// A dotted key as it would be written in TOML: `greeting.people."Mary Jane"`.
    static func display(_ path: [String]) -> String {
        path.map { !$0.isEmpty && $0.allSatisfy(TOMLKeyLines.isBareKeyCharacter) ? $0 : quoted($0) }
            .joined(separator: ".")
    }

    /// A value as it would be written in TOML.
    static func render(_ value: TOMLValueConvertible) -> String {
        if let string = value.string { return quoted(string) }
        if let array = value.array { return "[" + array.map(render).joined(separator: ", ") + "]" }
        if let table = value.table {
            let entries = table.keys.map { "\(display([$0])) = \(table[$0].map(render) ?? "?")" }  // not its iterator
            return "{ " + entries.joined(separator: ", ") + " }"
        }
        return value.tomlValue.debugDescription
    }

    /// A TOML basic string; control characters are escaped so that a problem stays on one line.
    static func quoted(_ string: String) -> String {
        var quoted = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case _ where scalar.properties.generalCategory == .control:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                quoted += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// `0...2` rather than `0.0...2.0`.
    static func format(_ range: ClosedRange<Double>) -> String {
        func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
        return number(range.lowerBound) + "..." + number(range.upperBound)
    }
}
