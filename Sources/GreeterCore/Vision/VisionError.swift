import CVisionBridge

/// A failure inside OpenCV, carrying the bridge's message.
public struct VisionError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// The message the bridge left for the last failed call on this thread.
    static func last(_ context: String) -> VisionError {
        VisionError("\(context): \(String(cString: cvb_last_error()))")
    }

    /// Throws the bridge's message when `status` says the call failed.
    static func check(_ status: Int32, _ context: @autoclosure () -> String) throws {
        if status < 0 { throw last(context()) }
    }
}
