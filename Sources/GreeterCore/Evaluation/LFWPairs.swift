import Foundation

/// A verification pair from an LFW-format pairs file.
public struct FacePair: Sendable, Equatable {
    public let first: String
    public let second: String
    public let samePerson: Bool
    public let fold: Int
}

/// Reads LFW `pairs.txt` (header "folds count") or `pairsDevTrain.txt` (header "count": that many same-person
/// pairs, then as many different-person pairs, dealt into 10 folds in order), and MFR2's `pairs.txt` (no header,
/// names and numbers separated by spaces; dealt into 10 folds). Paths come back as `images/NAME/NAME_000N.ext`.
public enum LFWPairs {
    public struct Problem: Error, CustomStringConvertible, Sendable { public let description: String }

    public static func read(_ path: String, images: String, fileExtension: String = "jpg") throws -> [FacePair] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(description: "\(path): cannot read the pairs file")
        }
        var lines = text.split(whereSeparator: \.isNewline).map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        var foldCount = 10, perFold: Int?
        if let header = lines.first, header.allSatisfy({ Int($0) != nil }) {
            lines.removeFirst()
            if header.count == 2 { foldCount = Int(header[0])!; perFold = 2 * Int(header[1])! }
        }
        func file(_ name: String, _ number: String, line: Int) throws -> String {
            guard let n = Int(number) else { throw Problem(description: "\(path):\(line): '\(number)' is not an image number") }
            let padded = String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n)
            return "\(images)/\(name)/\(name)_\(padded).\(fileExtension)"
        }
        var pairs: [FacePair] = []
        for (index, fields) in lines.enumerated() where !fields.isEmpty {
            let line = index + 2
            let fold = perFold.map { index / $0 } ?? 0
            switch fields.count {
            case 3: pairs.append(FacePair(first: try file(fields[0], fields[1], line: line),
                                          second: try file(fields[0], fields[2], line: line), samePerson: true, fold: fold))
            case 4: pairs.append(FacePair(first: try file(fields[0], fields[1], line: line),
                                          second: try file(fields[2], fields[3], line: line), samePerson: false, fold: fold))
            default: throw Problem(description: "\(path):\(line): expected 'name a b' or 'name1 a name2 b'")
            }
        }
        guard perFold == nil else { return pairs }
        // No fold structure in the file: deal same and different pairs evenly into the folds.
        var counters = [true: 0, false: 0]
        return pairs.map { pair in
            let k = counters[pair.samePerson]!
            counters[pair.samePerson] = k + 1
            let total = pairs.filter { $0.samePerson == pair.samePerson }.count
            return FacePair(first: pair.first, second: pair.second, samePerson: pair.samePerson,
                            fold: min(foldCount - 1, k * foldCount / max(total, 1)))
        }
    }
}
