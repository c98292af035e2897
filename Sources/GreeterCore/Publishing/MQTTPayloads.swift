import Foundation

/// The JSON published on each topic (the README's topics table shows one of each). Keys are snake_case,
/// distances are FaceNet L2 distances (0...2), times ISO 8601 UTC.
enum MQTTPayloads {
    struct GreetingPayload: Encodable {
        /// Home Assistant's event entity needs it, one of the discovery's `event_types`.
        let eventType = "greeted"
        let text: String
        let names: [String]
        let people: [Person]
        let time: String

        struct Person: Encodable {
            let name: String
            let distance: Float?
            let votes: Int
            let window: Int
            let msFromFirstFrame: Int
        }
    }

    struct VisitorPayload: Encodable {
        /// `unknown` (nobody close enough) or `ambiguous` (two people too close to call).
        let verdict: String
        let bestGuess: String?
        let distance: Float?
        let secondGuess: String?
        let secondDistance: Float?
        let votes: Int
        let window: Int
        let image: Bool
        let time: String
    }

    struct StatePayload: Encodable {
        let galleryPeople: Int
        let cameraConnected: Bool
        let muted: Bool
        let lastGreeting: LastGreeting?
        let eventsDropped: Int

        struct LastGreeting: Encodable {
            let text: String
            let names: [String]
            let time: String
        }
    }

    static func greeting(_ spoken: SpokenGreeting) -> GreetingPayload {
        GreetingPayload(
            text: spoken.greeting.text, names: spoken.greeting.names,
            people: zip(spoken.greeting.people, spoken.msFromFirstFrame).map { person, ms in
                GreetingPayload.Person(name: person.identity.description, distance: rounded(person.meanDistance),
                                       votes: person.votes, window: person.window, msFromFirstFrame: ms)
            },
            time: timestamp(spoken.time))
    }

    static func visitor(_ face: DecidedFace, image: Bool) -> VisitorPayload {
        VisitorPayload(
            verdict: face.match.verdict.rawValue,
            bestGuess: face.match.best?.name, distance: face.match.best.flatMap { rounded($0.distance) },
            secondGuess: face.match.second?.name, secondDistance: face.match.second.flatMap { rounded($0.distance) },
            votes: face.decision.votes, window: face.decision.window, image: image, time: timestamp(face.time))
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    /// Three decimals are all a distance means; an infinite one (empty gallery) is null.
    private static func rounded(_ distance: Float) -> Float? {
        distance.isFinite ? (distance * 1000).rounded() / 1000 : nil
    }
}
