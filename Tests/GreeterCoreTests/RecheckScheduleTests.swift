import Foundation
import Testing
@testable import GreeterCore

/// Alice on one axis of a 4-d space; a look at L2 `distance` from her.
private let alice = Matcher(templates: [("Alice", "photo", [1, 0, 0, 0])], dimension: 4)
private func look(at distance: Float) -> Matcher.Match {
    let angle = 2 * asin(distance / 2)
    return alice.match([cos(angle), 0, sin(angle), 0], settings: Matcher.Settings(threshold: 1.1))
}

/// A face of `size` px whose nose sits `turn` of the way from the middle towards the right eye (0 = frontal).
private func face(size: Float = 100, turn: Float = 0) -> DetectedFace {
    let (left, right) = (Point(x: 30, y: 40), Point(x: 70, y: 40))
    let nose = Point(x: 50 + 20 * turn, y: 60)
    return DetectedFace(box: Rect(x: 0, y: 0, width: size, height: size), score: 0.9,
                        landmarks: Landmarks(leftEye: left, rightEye: right, nose: nose,
                                             mouthLeft: Point(x: 35, y: 80), mouthRight: Point(x: 65, y: 80)))
}

@Suite struct RecheckScheduleTests {
    @Test func looksFarFromEveryoneDoubleTheWaitUpToTheLongestAndANearOneResetsIt() {
        var schedule = RecheckSchedule(at: 0, base: 0.2)
        schedule.judged(look(at: 1.3), at: 1.9, threshold: 1.1, base: 0.2)  // still within its patience
        #expect(schedule.interval == 0.2)
        var waits: [Double] = []
        for _ in 0..<6 {
            schedule.judged(look(at: 1.3), at: 3, threshold: 1.1, base: 0.2)
            waits.append(schedule.interval)
        }
        #expect(waits == [0.4, 0.8, 1.6, RecheckSchedule.longest, RecheckSchedule.longest, RecheckSchedule.longest])
        schedule.judged(look(at: 1.15), at: 3, threshold: 1.1, base: 0.2)  // unknown, but near Alice
        #expect(schedule.interval == 0.2)
        // A base longer than the longest wait is kept.
        schedule.judged(look(at: 1.3), at: 3, threshold: 1.1, base: 5)
        #expect(schedule.interval == 5)
    }

    @Test func everyFrameStaysEveryFrame() {
        var schedule = RecheckSchedule(at: 0, base: 0)
        schedule.judged(look(at: 1.5), at: 3, threshold: 1.1, base: 0)
        #expect(schedule.interval == 0)
        #expect(schedule.isDue(at: 0))
    }

    @Test func aMuchBetterPictureOfTheFaceIsLookedAtBeforeItsWaitIsOver() {
        var schedule = RecheckSchedule(at: 7, base: 0.2)
        schedule.looked(at: 10)
        schedule.judged(look(at: 1.3), at: 10, threshold: 1.1, base: 0.2)
        schedule.judged(look(at: 1.3), at: 10, threshold: 1.1, base: 0.2)  // next look due 0.8 s after the last
        let last = face(turn: 0.6)
        #expect(!schedule.isDue(at: 10.5))
        #expect(!schedule.isDue(face(turn: 0.6), previous: last, at: 10.5, base: 0.2, growFactor: 1.5))
        #expect(schedule.isDue(face(size: 125, turn: 0.6), previous: last, at: 10.5, base: 0.2, growFactor: 1.5))
        #expect(schedule.isDue(face(turn: 0.1), previous: last, at: 10.5, base: 0.2, growFactor: 1.5))
        // ... but never sooner than the shortest wait.
        #expect(!schedule.isDue(face(turn: 0.1), previous: last, at: 10.1, base: 0.2, growFactor: 1.5))
        #expect(schedule.isDue(face(turn: 0.6), previous: last, at: 10.9, base: 0.2, growFactor: 1.5))
        schedule.looked(at: 10.9)
        #expect(!schedule.isDue(at: 11.6) && schedule.isDue(at: 11.8))
    }
}
