/// A point in image pixels (x to the right, y down).
public struct Point: Sendable, Hashable, Codable {
    public var x: Float
    public var y: Float
    public init(x: Float, y: Float) { self.x = x; self.y = y }
}

/// An axis-aligned rectangle in image pixels.
public struct Rect: Sendable, Hashable, Codable {
    public var x: Float
    public var y: Float
    public var width: Float
    public var height: Float

    public init(x: Float, y: Float, width: Float, height: Float) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var maxX: Float { x + width }
    public var maxY: Float { y + height }
    public var area: Float { max(0, width) * max(0, height) }
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    /// Intersection over union: 0 for disjoint boxes, 1 for identical ones.
    public func iou(_ other: Rect) -> Float {
        let w = min(maxX, other.maxX) - max(x, other.x)
        let h = min(maxY, other.maxY) - max(y, other.y)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        return inter / (area + other.area - inter)
    }
}

/// The five landmarks both detectors give, in image pixels; "left" is the image's left.
public struct Landmarks: Sendable, Hashable, Codable {
    public var leftEye: Point
    public var rightEye: Point
    public var nose: Point
    public var mouthLeft: Point
    public var mouthRight: Point

    public init(leftEye: Point, rightEye: Point, nose: Point, mouthLeft: Point, mouthRight: Point) {
        self.leftEye = leftEye; self.rightEye = rightEye; self.nose = nose
        self.mouthLeft = mouthLeft; self.mouthRight = mouthRight
    }

    public var all: [Point] { [leftEye, rightEye, nose, mouthLeft, mouthRight] }
}

/// One face found in a picture.
public struct DetectedFace: Sendable, Hashable, Codable {
    public var box: Rect
    /// The detector's confidence, 0...1 (YuNet: √(class · objectness); MTCNN: O-net's face probability).
    public var score: Float
    public var landmarks: Landmarks

    public init(box: Rect, score: Float, landmarks: Landmarks) {
        self.box = box; self.score = score; self.landmarks = landmarks
    }
}
