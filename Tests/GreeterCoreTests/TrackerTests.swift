import Testing
import GreeterCore

private func face(_ x: Float, _ y: Float, _ size: Float = 100) -> DetectedFace {
    let centre = Point(x: x + size / 2, y: y + size / 2)
    return DetectedFace(box: Rect(x: x, y: y, width: size, height: size), score: 0.99,
                        landmarks: Landmarks(leftEye: centre, rightEye: centre, nose: centre, mouthLeft: centre, mouthRight: centre))
}

@Suite struct TrackerTests {
    @Test func keepsIdsWhileFacesMoveAndStartsNewTracksForNewFaces() {
        var tracker = Tracker(settings: .init(iou: 0.3, lostAfter: 1))
        let first = tracker.update(faces: [face(100, 100), face(400, 100)], time: 0)
        #expect(first.map(\.id) == [1, 2])
        #expect(first.map(\.isNew) == [true, true])

        // Both moved a little, listed in the other order, and a third face appeared.
        let second = tracker.update(faces: [face(410, 105), face(500, 300), face(95, 98)], time: 0.033)
        #expect(second.map(\.id) == [2, 3, 1])
        #expect(second.map(\.isNew) == [false, true, false])
        #expect(second.map(\.framesSeen) == [2, 1, 2])
        #expect(second[2].firstSeen == 0 && second[2].time == 0.033)
        #expect(tracker.trackIDs == [1, 2, 3])
    }

    @Test func greedyAssignmentGivesEachFaceItsBestOverlap() {
        var tracker = Tracker(settings: .init(iou: 0.1))
        _ = tracker.update(faces: [face(100, 100), face(160, 100)], time: 0)
        // Each new face overlaps both old boxes; the best pairs win.
        let next = tracker.update(faces: [face(165, 100), face(105, 100)], time: 0.1)
        #expect(next.map(\.id) == [2, 1])
    }

    @Test func trackSurvivesSkippedDetectionAndEndsWhenUnseenTooLong() {
        var tracker = Tracker(settings: .init(lostAfter: 1.0))
        _ = tracker.update(faces: [face(100, 100)], time: 10)
        // Static scene: the motion gate skipped detection for 0.9 s; the track goes on.
        #expect(tracker.expire(time: 10.9) == [])
        #expect(tracker.update(faces: [face(102, 100)], time: 10.9).map(\.id) == [1])
        // Gone for longer than lostAfter: the same place now starts a new track, and the old one expires.
        let later = tracker.update(faces: [face(102, 100)], time: 12.0)
        #expect(later.map(\.id) == [2])
        #expect(later[0].isNew)
        #expect(tracker.expire(time: 12.0) == [1])
        #expect(tracker.trackIDs == [2])
        // Without any update (nothing moves) the timer still ends it.
        #expect(tracker.expire(time: 13.5) == [2])
        #expect(tracker.trackIDs.isEmpty)
    }

    @Test func reembedsUndecidedTracksOnScheduleOrWhenTheFaceChanges() {
        var tracker = Tracker(settings: .init(reembedInterval: 1.0, moveFraction: 0.5, growFactor: 1.5))
        _ = tracker.update(faces: [face(100, 100)], time: 0)
        #expect(tracker.shouldEmbed(1, time: 0))  // never embedded
        tracker.markEmbedded(1, time: 0)
        #expect(!tracker.shouldEmbed(1, time: 0.5))
        #expect(tracker.shouldEmbed(1, time: 1.0))  // interval passed

        _ = tracker.update(faces: [face(130, 100)], time: 0.5)  // moved 30 px of a 100 px box: not enough
        #expect(!tracker.shouldEmbed(1, time: 0.5))
        _ = tracker.update(faces: [face(160, 100)], time: 0.6)  // 60 px since the embedding
        #expect(tracker.shouldEmbed(1, time: 0.6))
        tracker.markEmbedded(1, time: 0.6)
        #expect(!tracker.shouldEmbed(1, time: 0.7))

        _ = tracker.update(faces: [face(150, 90, 125)], time: 0.7)  // area x1.56, centre moved 2.5 px
        #expect(tracker.shouldEmbed(1, time: 0.7))
        #expect(!tracker.shouldEmbed(99, time: 0.7))  // no such track
    }

    @Test func decidedTrackIsNotEmbeddedAgainUntilItGetsAmbiguous() {
        var tracker = Tracker(settings: .init(iou: 0.15, lostAfter: 10, reembedInterval: 1.0))
        _ = tracker.update(faces: [face(100, 100)], time: 0)
        tracker.markEmbedded(1, time: 0)
        tracker.markDecided(1)
        _ = tracker.update(faces: [face(130, 100, 130)], time: 5)  // bigger and much later: still decided
        #expect(!tracker.shouldEmbed(1, time: 5))
        #expect(tracker.update(faces: [face(130, 100, 130)], time: 5.1).map(\.reopened) == [false])

        // Another person comes close enough that their face overlaps the decided track as well: who is who
        // is now doubtful, so the decision is withdrawn.
        #expect(tracker.update(faces: [face(130, 100, 130), face(250, 100)], time: 5.2).map(\.id) == [1, 2])
        let crossing = tracker.update(faces: [face(135, 100, 130), face(220, 100)], time: 5.3)
        #expect(crossing.map(\.id) == [1, 2])
        #expect(crossing.map(\.reopened) == [true, false])
        #expect(tracker.shouldEmbed(1, time: 5.3))
    }
}
