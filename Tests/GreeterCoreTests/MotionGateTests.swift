import Testing
import GreeterCore

/// A 640×480 grey frame with a bright square of `size` px at (x, y).
private func frame(square x: Int, _ y: Int, size: Int = 80, time: Double) -> Frame {
    let (w, h) = (640, 480)
    var pixels = [UInt8](repeating: 60, count: w * h * 3)
    for row in max(0, y)..<min(h, y + size) {
        for col in max(0, x)..<min(w, x + size) { for c in 0..<3 { pixels[(row * w + col) * 3 + c] = 240 } }
    }
    return Frame(image: Image(width: w, height: h, pixels: pixels), time: time, index: Int(time * 30))
}

@Suite struct MotionGateTests {
    /// A named face at (100, 100), 100 px; the square moves inside the region it explains.
    let face = Rect(x: 100, y: 100, width: 100, height: 100)

    @Test func motionOfAFaceInViewIsDetectedOnlyEveryTrackedInterval() throws {
        var gate = MotionGate(settings: .init(threshold: 2, idleInterval: 1, trackedInterval: 0.25))
        let need = MotionGate.Need(faces: [face])
        #expect(try gate.shouldDetect(frame(square: 110, 110, time: 0), need: need))  // the first frame
        #expect(try !gate.shouldDetect(frame(square: 130, 140, time: 0.033), need: need))
        #expect(try !gate.shouldDetect(frame(square: 110, 200, time: 0.2), need: need))
        #expect(try gate.shouldDetect(frame(square: 130, 140, time: 0.26), need: need))
    }

    @Test func motionNoFaceExplainsIsDetectedAtOnce() throws {
        var gate = MotionGate(settings: .init(threshold: 2, idleInterval: 1, trackedInterval: 0.25))
        let need = MotionGate.Need(faces: [face])
        #expect(try gate.shouldDetect(frame(square: 110, 110, time: 0), need: need))
        // Someone enters on the right, far from the face and its body.
        #expect(try gate.shouldDetect(frame(square: 500, 100, size: 160, time: 0.033), need: need))
        // Without a face in view the same motion counts wherever it is.
        #expect(try gate.shouldDetect(frame(square: 130, 140, time: 0.066)))
    }

    @Test func undecidedFacesAndDueLooksAreDetectedOnEveryFrameAndAStillSceneOnlyEveryIdleInterval() throws {
        var gate = MotionGate(settings: .init(threshold: 2, idleInterval: 1, trackedInterval: 0.25))
        let inView = MotionGate.Need(faces: [face])
        #expect(try gate.shouldDetect(frame(square: 110, 110, time: 0)))
        #expect(try !gate.shouldDetect(frame(square: 110, 110, time: 0.5), need: inView))
        #expect(try gate.shouldDetect(frame(square: 110, 110, time: 0.533), need: .init(everyFrame: true)))
        #expect(try gate.shouldDetect(frame(square: 110, 110, time: 0.566), need: .init(due: true, faces: [face])))
        #expect(try !gate.shouldDetect(frame(square: 110, 110, time: 1.5), need: inView))
        #expect(try gate.shouldDetect(frame(square: 110, 110, time: 1.6), need: inView))
        // Nobody in view: the still scene is detected five times less often.
        #expect(try !gate.shouldDetect(frame(square: 110, 110, time: 3), need: MotionGate.Need()))
        #expect(try !gate.shouldDetect(frame(square: 110, 110, time: 6.5)))
        #expect(try gate.shouldDetect(frame(square: 110, 110, time: 6.7)))
    }
}
