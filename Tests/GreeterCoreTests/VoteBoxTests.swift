import Foundation
import Testing
import GreeterCore

/// A real matcher over a tiny 4-d gallery: Alice on one axis, Bob on another.
private let matcher = Matcher(templates: [("Alice", "photo", [1, 0, 0, 0]), ("Bob", "photo", [0, 1, 0, 0])], dimension: 4)
private let settings = Matcher.Settings(threshold: 1.0, ambiguityMargin: 0.08)

/// A face at L2 `distance` from `name`'s template, turned away from everyone else.
private func seen(_ name: String, at distance: Float) -> Matcher.Match {
    let angle = 2 * asin(distance / 2)
    let query: [Float] = name == "Alice" ? [cos(angle), 0, sin(angle), 0] : [0, cos(angle), sin(angle), 0]
    return matcher.match(query, settings: settings)
}
/// Nobody near: √2 from both.
private let stranger = matcher.match([0, 0, 0, 1], settings: settings)
/// Exactly between Alice and Bob: close to both, so ambiguous.
private let lookalike = matcher.match([0.7071, 0.7071, 0, 0], settings: settings)

@Suite struct VoteBoxTests {
    @Test func theTestGalleryGivesTheIntendedMatches() {
        #expect(seen("Alice", at: 0.6).name == "Alice")
        #expect(abs(seen("Alice", at: 0.6).best!.distance - 0.6) < 1e-5)
        #expect(stranger.verdict == .unknown)
        #expect(lookalike.verdict == .ambiguous)
    }

    @Test func decidesANameWhenKOfTheLastNAgree() throws {
        var box = VoteBox(votesNeeded: 3, window: 5)
        #expect(box.add(seen("Alice", at: 0.6)) == nil)
        #expect(box.add(stranger) == nil)
        #expect(box.add(seen("Bob", at: 0.8)) == nil)
        #expect(box.add(seen("Alice", at: 0.7)) == nil)
        let third = box.add(seen("Alice", at: 0.8))
        let decision = try #require(third)
        #expect(decision.identity == .person("Alice"))
        #expect(decision.votes == 3 && decision.window == 5)
        #expect(abs(decision.meanDistance - 0.7) < 1e-5)
        #expect(box.decision == decision)
        #expect(box.recent.count == 5)
    }

    @Test func votesOutsideTheWindowDoNotCount() {
        var box = VoteBox(votesNeeded: 2, window: 3)
        _ = box.add(seen("Alice", at: 0.5))
        _ = box.add(seen("Bob", at: 0.5))
        _ = box.add(lookalike)
        // The first Alice vote has slid out of the window.
        #expect(box.add(seen("Alice", at: 0.5)) == nil)
        #expect(box.recent.map(\.name) == ["Bob", nil, "Alice"])
        #expect(box.decision == nil)
    }

    @Test func decidesUnknownAndCanStillRecogniseLater() {
        var box = VoteBox(votesNeeded: 2, window: 3)
        _ = box.add(lookalike)
        let unknown = box.add(stranger)
        #expect(unknown?.identity == .unknown)
        #expect(unknown?.votes == 2)
        #expect(box.add(stranger) == nil)  // no change
        _ = box.add(seen("Alice", at: 0.6))
        #expect(box.add(seen("Alice", at: 0.7))?.identity == .person("Alice"))
    }

    @Test func anEmptyGalleryDecidesUnknownAtInfiniteDistance() {
        let empty = Matcher(templates: [], dimension: 4)
        var box = VoteBox(votesNeeded: 1, window: 1)
        let decision = box.add(empty.match([1, 0, 0, 0], settings: settings))
        #expect(decision == VoteBox.Decision(identity: .unknown, votes: 1, window: 1, meanDistance: .infinity))
    }

    @Test func aDecidedNameIsFinalUntilReset() {
        var box = VoteBox(votesNeeded: 1, window: 1)
        #expect(box.add(seen("Alice", at: 0.5))?.identity == .person("Alice"))
        #expect(box.add(seen("Bob", at: 0.5)) == nil)
        #expect(box.decision?.identity == .person("Alice"))
        box.reset()
        #expect(box.recent.isEmpty && box.decision == nil)
        #expect(box.add(seen("Bob", at: 0.5))?.identity == .person("Bob"))
    }
}
