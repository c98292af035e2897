/// Why a camera could not be opened, or stopped delivering. Each renders as one line naming the device,
/// because that line is what the user reads in the journal.
public enum CameraError: Error, Equatable, CustomStringConvertible {
    case noDevice(path: String)
    case busy(path: String)
    case noPermission(path: String)
    case notCapture(path: String, reason: String)
    case unsupported(path: String, reason: String)
    case failed(path: String, operation: String, reason: String)
    /// The camera was streaming and stopped: unplugged (ENODEV, EIO) or silent past the frame timeout.
    case lost(path: String, reason: String)

    public var description: String {
        switch self {
        case .noDevice(let path):
            "camera \(path): no such device (is it plugged in? `door-greeter devices` lists cameras)"
        case .busy(let path):
            "camera \(path) is busy: another program is using it"
        case .noPermission(let path):
            "camera \(path): permission denied; add the user to group `video` (usermod -aG video USER) and log in again"
        case .notCapture(let path, let reason):
            "\(path) is not a video capture device: \(reason)"
        case .unsupported(let path, let reason):
            "camera \(path): \(reason)"
        case .failed(let path, let operation, let reason):
            "camera \(path): \(operation) failed: \(reason)"
        case .lost(let path, let reason):
            "camera \(path) lost: \(reason)"
        }
    }
}
