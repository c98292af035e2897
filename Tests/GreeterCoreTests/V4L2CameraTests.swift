import Foundation
import Testing
@testable import GreeterCore

// The build machines have no V4L2 devices: streaming is proven in a VM against vivid and v4l2loopback
// (Tests/vm/run). Here: what can go wrong before a device answers, and the device listing's file handling.
@Suite struct V4L2CameraTests {
    @Test func missingDeviceIsReportedByPath() {
        #expect(throws: CameraError.noDevice(path: "/dev/video-door-greeter-test")) {
            try V4L2Camera(device: "/dev/video-door-greeter-test")
        }
    }

    @Test func nonV4L2FilesAreNotCaptureDevices() {
        for path in ["/dev/null", "/etc/hostname"] {
            #expect(throws: CameraError.notCapture(path: path, reason: "not a V4L2 device")) {
                try V4L2Camera(device: path)
            }
        }
    }

    @Test func errorsAreOneLineNamingTheDevice() {
        let path = "/dev/v4l/by-id/usb-Cam-video-index0"
        let errors: [CameraError] = [
            .noDevice(path: path), .busy(path: path), .noPermission(path: path),
            .notCapture(path: path, reason: "r"), .unsupported(path: path, reason: "r"),
            .failed(path: path, operation: "VIDIOC_S_FMT", reason: "r"), .lost(path: path, reason: "r"),
        ]
        for error in errors {
            #expect(error.description.contains(path))
            #expect(!error.description.contains("\n"))
        }
        #expect(CameraError.noPermission(path: path).description.contains("group `video`"))
    }

    @Test func fourCharacterCodes() {
        #expect(FourCC.code("YUYV") == 0x5659_5559)
        #expect(FourCC.string(0x5659_5559) == "YUYV")
        #expect(FourCC.string(FourCC.code("Y8")!) == "Y8")  // short codes are space-padded, shown without
        #expect(FourCC.string(FourCC.code("Y16")! | 1 << 31) == "Y16-BE")
        #expect(FourCC.code("TOOLONG") == nil)
        #expect(FourCC.code("") == nil)
    }

    @Test func listingFindsNodesInOrderWithTheirStableNames() throws {
        let dev = FileManager.default.temporaryDirectory.appendingPathComponent("dg-dev-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dev) }
        let byID = dev.appendingPathComponent("v4l/by-id")
        try FileManager.default.createDirectory(at: byID, withIntermediateDirectories: true)
        // Plain files stand in for nodes: the listing must report why they are no camera, not skip silently.
        for name in ["video10", "video2", "vbi0", "videofoo"] {
            try Data().write(to: dev.appendingPathComponent(name))
        }
        try FileManager.default.createSymbolicLink(atPath: byID.appendingPathComponent("usb-Cam-video-index0").path,
                                                   withDestinationPath: "../../video2")
        let cameras = V4L2Camera.listDevices(devDirectory: dev.path)
        #expect(cameras.map(\.path) == ["\(dev.path)/video2", "\(dev.path)/video10"])
        #expect(cameras.first?.byID == ["\(dev.path)/v4l/by-id/usb-Cam-video-index0"])
        #expect(cameras.allSatisfy { $0.problem?.contains("not a V4L2 device") == true })
    }
}
