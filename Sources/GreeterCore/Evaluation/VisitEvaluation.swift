import Foundation

/// What the decision rule does over whole visits, simulated from photos: LFW people split into small galleries
/// (one enrolment photo each); every other person is a stranger at that door, whose visit is their photos seen
/// in turn (repeated up to the window: a stranger who stays), and every enrolled person visits with their other
/// photos. Counts wrong-name greetings of strangers, and how often and after how many looks enrolled people are
/// greeted, for several confident margins. Groups alternate between a tuning half and a reporting half.
public enum VisitEvaluation {
    public struct Person: Sendable {
        public let name: String
        public let photos: [String]
    }

    /// People of an LFW people file with at least `minPhotos` photos, their first `maxPhotos`.
    public static func people(file: String, images: String, minPhotos: Int, maxPhotos: Int) throws -> [Person] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count == 2, let count = Int(fields[1]), count >= minPhotos else { return nil }
            let name = String(fields[0])
            return Person(name: name, photos: (1...min(count, maxPhotos)).map {
                "\(images)/\(name)/\(name)_\(String(format: "%04d", $0)).jpg"
            })
        }
    }

    public struct Outcome: Sendable, Codable {
        public var confidentMargin: Float
        public var half: String
        public var strangerVisits = 0
        public var strangersGreetedWrongly = 0
        public var knownVisits = 0
        public var knownGreeted = 0
        public var knownGreetedWrongly = 0
        /// Of the correctly greeted: greeted on their first look.
        public var greetedAtFirstLook = 0
        public var looksToGreet = 0

        public var wrongRate: Double { Double(strangersGreetedWrongly) / Double(max(strangerVisits, 1)) }
    }

    public struct Report: Sendable, Codable {
        public var people: Int
        public var photos: Int
        public var unreadable: [String]
        public var groups: Int
        public var outcomes: [Outcome]
    }

    public static func run(_ people: [Person], probe: ProbeEmbedder, groupSize: Int, margins: [Float],
                           rule: VoteBox.Rule, progress: (Int, Int) -> Void = { _, _ in }) -> Report {
        let total = people.map(\.photos.count).reduce(0, +)
        var done = 0
        var unreadable: [String] = []
        // Embeddings per person (nil for a photo that cannot be read), each photo once.
        let embeddings: [[[Float]?]] = people.map { person in
            person.photos.map { path in
                defer { done += 1; progress(done, total) }
                do { return try probe.embed(ImageFile.read(path)).embedding } catch {
                    unreadable.append("\(path): \(error)")
                    return nil
                }
            }
        }
        let groups = stride(from: 0, to: people.count, by: groupSize).map { Array($0..<min($0 + groupSize, people.count)) }
        var outcomes: [Outcome] = []
        for margin in margins {
            var byHalf = ["tune": Outcome(confidentMargin: margin, half: "tune"),
                          "report": Outcome(confidentMargin: margin, half: "report")]
            var marginRule = rule
            marginRule.confidentMargin = margin
            for (g, members) in groups.enumerated() {
                let half = g % 2 == 0 ? "tune" : "report"
                let enrolled = members.compactMap { i in embeddings[i][0].map { (people[i].name, "photo", $0) } }
                let matcher = Matcher(templates: enrolled)
                let inGroup = Set(members)
                for (i, person) in people.enumerated() {
                    let looks = inGroup.contains(i) ? Array(embeddings[i].dropFirst()) : embeddings[i]
                    let matches = looks.compactMap { $0 }.map { matcher.match($0, settings: rule.matcher) }
                    guard !matches.isEmpty else { continue }
                    var box = VoteBox(rule: marginRule)
                    var greeted: (name: String, look: Int)?
                    for look in 0..<rule.window {
                        if let decision = box.add(matches[look % matches.count]), case .person(let name) = decision.identity {
                            greeted = (name, look + 1)
                            break
                        }
                    }
                    if inGroup.contains(i) {
                        byHalf[half]!.knownVisits += 1
                        guard let greeted else { continue }
                        if greeted.name == person.name {
                            byHalf[half]!.knownGreeted += 1
                            byHalf[half]!.looksToGreet += greeted.look
                            if greeted.look == 1 { byHalf[half]!.greetedAtFirstLook += 1 }
                        } else {
                            byHalf[half]!.knownGreetedWrongly += 1
                        }
                    } else {
                        byHalf[half]!.strangerVisits += 1
                        if greeted != nil { byHalf[half]!.strangersGreetedWrongly += 1 }
                    }
                }
            }
            outcomes += [byHalf["tune"]!, byHalf["report"]!]
        }
        return Report(people: people.count, photos: total, unreadable: unreadable, groups: groups.count, outcomes: outcomes)
    }
}
