import Foundation

/// Turns a group of identities into the sentence(s) to speak.
enum GreetingText {
    /// The template sentence for everyone without their own text first, then the personal sentences in order,
    /// then the unknown text once however many unknown faces came. Empty if there is nothing to say.
    static func compose(_ identities: [Identity], settings: GreetingPolicy.Settings) -> String {
        var templated: [String] = []
        var personal: [String] = []
        var unknown = false
        for identity in identities {
            switch identity {
            case .person(let name):
                if let text = settings.people[name] {
                    personal.append(text.replacing("{name}", with: name))
                } else {
                    templated.append(name)
                }
            case .unknown:
                unknown = true
            }
        }
        var sentences = personal
        if !templated.isEmpty { sentences.insert(settings.template.replacing("{names}", with: list(templated)), at: 0) }
        if unknown { sentences.append(settings.unknownText) }
        let spoken = sentences.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        // Every sentence but the last ends in punctuation, so eSpeak pauses between them.
        return spoken.enumerated().map { index, sentence in
            index == spoken.count - 1 || ".!?".contains(sentence.last!) ? sentence : sentence + "."
        }.joined(separator: " ")
    }

    /// "Alice", "Alice and Bob", "Alice, Bob and Carol".
    static func list(_ names: [String]) -> String {
        guard let last = names.last else { return "" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
    }
}
