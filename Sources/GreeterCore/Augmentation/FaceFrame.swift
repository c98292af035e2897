import Foundation

/// Face-relative coordinates from MTCNN's five landmarks, for drawing things that sit on a face.
///
/// A point is given as `a` (across, in eye distances from the eyes' midpoint, negative toward the image's left),
/// `b` (down, in eye-to-mouth heights: 0 at the eyes, 1 at the mouth) and `depth` (how far it stands out from
/// the cheeks, in eye distances). Head yaw is modelled by wrapping the face on a vertical cylinder, so that
/// on a turned head the near side stretches and the far side folds toward the silhouette.
public struct FaceFrame: Sendable {
    /// The eyes' midpoint.
    let origin: Point
    /// Unit vector from the left eye to the right eye, and the one pointing down the face.
    let across: Point, down: Point
    /// Eye distance of the face seen frontally, and eye-to-mouth height, in pixels.
    let eyeDistance: Float, height: Float
    /// Head yaw, radians; positive when the nose points toward the image's right.
    let yaw: Float

    /// Cylinder radius and the eyes' angle on it, for eyes one eye distance apart (a head is ~2.4 eye distances wide).
    static let radius: Float = 1.2
    static let eyeAngle = asin(0.5 / radius)
    /// How far the nose tip stands out of the cylinder, in eye distances.
    static let noseDepth: Float = 0.6

    public init(landmarks: Landmarks) {
        let eyes = Point(x: landmarks.rightEye.x - landmarks.leftEye.x, y: landmarks.rightEye.y - landmarks.leftEye.y)
        let seen = max((eyes.x * eyes.x + eyes.y * eyes.y).squareRoot(), 1)
        across = Point(x: eyes.x / seen, y: eyes.y / seen)
        down = Point(x: -across.y, y: across.x)
        origin = Point(x: (landmarks.leftEye.x + landmarks.rightEye.x) / 2, y: (landmarks.leftEye.y + landmarks.rightEye.y) / 2)
        // The nose's sideways offset from the eyes' midpoint grows with tan(yaw) (nose tip in front of the eye line).
        let noseOffset = ((landmarks.nose.x - origin.x) * across.x + (landmarks.nose.y - origin.y) * across.y) / seen
        let lever = Self.noseDepth + Self.radius * (1 - cos(Self.eyeAngle))
        yaw = atan(noseOffset / lever).clamped(to: -1.0...1.0)
        eyeDistance = seen / cos(yaw)
        let mouth = Point(x: (landmarks.mouthLeft.x + landmarks.mouthRight.x) / 2,
                          y: (landmarks.mouthLeft.y + landmarks.mouthRight.y) / 2)
        // An implausible height (a landmark gone astray) falls back into the usual range of faces.
        let drop = (mouth.x - origin.x) * down.x + (mouth.y - origin.y) * down.y
        height = drop.clamped(to: 0.8 * eyeDistance...1.5 * eyeDistance)
    }

    /// The image position of the face point (a, b, depth).
    public func point(a: Float, b: Float, depth: Float = 0) -> Point {
        let r = Self.radius + depth
        let angle = (asin((a / r).clamped(to: -1...1)) + yaw).clamped(to: -Float.pi / 2...Float.pi / 2)
        // The eyes' midpoint moves with the head too; positions are relative to it.
        let x = eyeDistance * (r * sin(angle) - Self.radius * sin(yaw) * cos(Self.eyeAngle))
        let y = height * b
        return Point(x: origin.x + x * across.x + y * down.x, y: origin.y + x * across.y + y * down.y)
    }
}
