import ArgumentParser
import Foundation

/// A comma-separated list of numbers given to an option ("1.05,1.10"), each in `range` without its lower bound
/// (`what` says so in words).
func numberList(_ text: String, option: String, what: String, in range: ClosedRange<Float>) throws -> [Float] {
    try text.split(separator: ",").map { item in
        guard let value = Float(item.trimmingCharacters(in: .whitespaces)), range.contains(value),
              value != range.lowerBound else {
            throw ValidationError("\(option): \(item) is not \(what)")
        }
        return value
    }
}
