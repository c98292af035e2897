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

private func rule(_ k: Int, of n: Int) -> VoteBox.Rule {
    VoteBox.Rule(votesNeeded: k, window: n, confidentMargin: 0.25, matcher: settings)
}

@Suite struct VoteBoxTests {
    @Test func theTestGalleryGivesTheIntendedMatches() {
        #expect(seen("Alice", at: 0.6).name == "Alice")
        #expect(abs(seen("Alice", at: 0.6).best!.distance - 0.6) < 1e-5)
        #expect(stranger.verdict == .unknown)
        #expect(lookalike.verdict == .ambiguous)
    }

    @Test func aLookFarInsideTheThresholdDecidesAtOnce() throws {
        var box = VoteBox(rule: rule(3, of: 5))
        let added = box.add(seen("Alice", at: 0.7))
        let decision = try #require(added)
        #expect(decision.identity == .person("Alice"))
        #expect(decision.votes == 1 && decision.window == 5)
        #expect(abs(decision.meanDistance - 0.7) < 1e-5)
        #expect(box.decision == decision)
    }

    @Test func borderlineLooksNeedAgreementTheCloserToTheThresholdTheMore() throws {
        // 0.85 is 0.15 inside a threshold of 1.0: weight 0.6, two looks.
        var two = VoteBox(rule: rule(3, of: 5))
        #expect(two.add(seen("Alice", at: 0.85)) == nil)
        #expect(two.add(stranger) == nil)
        #expect(two.add(seen("Alice", at: 0.85))?.votes == 2)
        // 0.97 weighs no more than the floor 1/K: K looks, as K-of-N would.
        var three = VoteBox(rule: rule(3, of: 5))
        #expect(three.add(seen("Alice", at: 0.97)) == nil)
        #expect(three.add(seen("Alice", at: 0.97)) == nil)
        let added = three.add(seen("Alice", at: 0.97))
        let decision = try #require(added)
        #expect(decision.identity == .person("Alice") && decision.votes == 3)
    }

    @Test func looksNamingSomeoneElseCountAgainst() {
        var box = VoteBox(rule: rule(3, of: 5))
        #expect(box.add(seen("Alice", at: 0.85)) == nil)
        #expect(box.add(seen("Bob", at: 0.85)) == nil)
        #expect(box.add(seen("Alice", at: 0.85)) == nil)  // 1.2 for, 0.6 against
        #expect(box.add(seen("Alice", at: 0.85))?.identity == .person("Alice"))
    }

    @Test func looksOutsideTheWindowDoNotCount() {
        var box = VoteBox(rule: rule(2, of: 3))
        _ = box.add(seen("Alice", at: 0.95))
        _ = box.add(seen("Bob", at: 0.99))
        _ = box.add(lookalike)
        // The first Alice look has slid out of the window; Bob's still counts against.
        #expect(box.add(seen("Alice", at: 0.95)) == nil)
        #expect(box.recent.map(\.name) == ["Bob", nil, "Alice"])
        #expect(box.decision == nil)
    }

    @Test func theWeightIsRelativeToTheTemplatesOwnThreshold() {
        let masked = Matcher(templates: [("Alice", "mask:black", [1, 0, 0, 0]), ("Bob", "photo", [0, 1, 0, 0])],
                             dimension: 4)
        let angle = 2 * asin(Float(0.6) / 2)
        let look = masked.match([cos(angle), 0, sin(angle), 0], settings: settings)
        #expect(look.name == "Alice")
        // 0.6 against the synthetic threshold 0.75 is 0.2 of it inside: not enough alone.
        #expect(abs(rule(3, of: 5).weight(of: look) - 0.8) < 1e-4)
        #expect(rule(3, of: 5).weight(of: seen("Alice", at: 0.6)) == 1)
    }

    @Test func decidesUnknownByKOfNAndCanStillRecogniseLater() {
        var box = VoteBox(rule: rule(2, of: 3))
        _ = box.add(lookalike)
        let unknown = box.add(stranger)
        #expect(unknown?.identity == .unknown)
        #expect(unknown?.votes == 2)
        #expect(box.add(stranger) == nil)  // no change
        #expect(box.add(seen("Alice", at: 0.6))?.identity == .person("Alice"))
    }

    @Test func anEmptyGalleryDecidesUnknownAtInfiniteDistance() {
        let empty = Matcher(templates: [], dimension: 4)
        var box = VoteBox(rule: rule(1, of: 1))
        let decision = box.add(empty.match([1, 0, 0, 0], settings: settings))
        #expect(decision == VoteBox.Decision(identity: .unknown, votes: 1, window: 1, meanDistance: .infinity))
    }

    @Test func aDecidedNameIsFinalUntilReset() {
        var box = VoteBox(rule: rule(1, of: 1))
        #expect(box.add(seen("Alice", at: 0.5))?.identity == .person("Alice"))
        #expect(box.add(seen("Bob", at: 0.5)) == nil)
        #expect(box.decision?.identity == .person("Alice"))
        box.reset()
        #expect(box.recent.isEmpty && box.decision == nil)
        #expect(box.add(seen("Bob", at: 0.5))?.identity == .person("Bob"))
    }
}
