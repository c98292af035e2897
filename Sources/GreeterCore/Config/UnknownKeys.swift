import TOMLKit

extension ConfigReader {
    /// Records every key of the document that no read asked for (a typo would otherwise silently leave a default in
    /// force), with the closest known key as a suggestion, and every known table written as something else.
    /// Call after all reads: the reads define the schema.
    mutating func recordUnknownKeys() {
        recordUnknownKeys(in: root, at: [])
    }

    private mutating func recordUnknownKeys(in table: TOMLTable, at prefix: [String]) {
        for (key, value) in entries(of: table, at: prefix) {
            let path = prefix + [key]
            if knownKeys.contains(path) { continue }
            if isKnownTable(path) {
                if let inner = value.table {
                    recordUnknownKeys(in: inner, at: path)
                } else {
                    record(path, found: value, message: "wrong type, expected a table ([\(Self.display(path))])")
                }
                continue
            }
            let what = value.table == nil ? "key" : "table"
            let advice =
                suggestion(for: path).map { "did you mean `\(Self.display($0))`?" }
                ?? "expected one of: " + siblings(under: prefix).joined(separator: ", ")
            record(path, found: value.table == nil ? value : nil, message: "unknown \(what), \(advice)")
        }
    }

    private func isKnownTable(_ path: [String]) -> Bool {
        knownKeys.contains { $0.count > path.count && Array($0.prefix(path.count)) == path }
    }

    /// The known names directly under `prefix`, in schema order.
    private func siblings(under prefix: [String]) -> [String] {
        var names: [String] = []
        for key in knownKeys where key.count > prefix.count && Array(key.prefix(prefix.count)) == prefix {
            let name = key[prefix.count]
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The known key or table nearest to `path`, if it is near enough to be a likely typo.
    private func suggestion(for path: [String]) -> [String]? {
        var candidates: [[String]] = []
        for key in knownKeys {
            for length in 1...key.count where !candidates.contains(Array(key.prefix(length))) {
                candidates.append(Array(key.prefix(length)))
            }
        }
        let scored = candidates.map { ($0, Self.distance(path, $0)) }
        guard let (best, distance) = scored.min(by: { $0.1 < $1.1 }),
            distance <= max(2, (path.last?.count ?? 0) / 4)
        else { return nil }
        return best
    }

    /// Edits between two dotted keys; a key put in the wrong table costs one edit more than its name's typo, and a
    /// missing or extra unit suffix (`cooldown` for `cooldown_minutes`) costs one.
    private static func distance(_ a: [String], _ b: [String]) -> Int {
        guard let leafA = a.last, let leafB = b.last else { return .max }
        let leafDistance =
            leafA.hasPrefix(leafB + "_") || leafB.hasPrefix(leafA + "_") ? 1 : editDistance(leafA, leafB)
        let tableDistance = a.dropLast() == b.dropLast() ? 0 : 1
        return min(editDistance(display(a), display(b)), leafDistance + tableDistance)
    }

    /// Levenshtein distance.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, characterA) in a.enumerated() {
            var current = [i + 1]
            for (j, characterB) in b.enumerated() {
                current.append(
                    min(previous[j + 1] + 1, current[j] + 1, previous[j] + (characterA == characterB ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
