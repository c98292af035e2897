import ArgumentParser
import Foundation
import GreeterCore

/// `door-greeter devices`: what cameras there are, so the user can pick a device path, size and rate.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List cameras and the formats they offer."
    )

    @Flag(help: "Print machine-readable JSON instead of text.")
    var json = false

    func run() throws {
        let cameras = V4L2Camera.listDevices()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(cameras), as: UTF8.self))
            return
        }
        if cameras.isEmpty {
            print("No video capture devices under /dev.")
            return
        }
        print(cameras.map(Self.text).joined(separator: "\n"), terminator: "")
    }

    private static func text(_ camera: CameraInfo) -> String {
        var lines = ["\(camera.path)  \"\(camera.card)\"  driver \(camera.driver), bus \(camera.bus)"]
        lines += (camera.byID + camera.byPath).map { "  also \($0)" }
        if let problem = camera.problem { lines.append("  cannot query: \(problem)") }
        for format in camera.formats {
            lines.append("  \(format.fourcc)  \(format.name)\(format.compressed ? " (compressed)" : "")")
            lines += format.sizes.map { size in
                "      \(size.width)x\(size.height)" + (size.fps.isEmpty ? "" : " @ \(size.ratesDescription)")
            }
            if let r = format.sizeRange {
                lines.append("      any size \(r.minWidth)x\(r.minHeight) to \(r.maxWidth)x\(r.maxHeight) in steps of \(r.stepWidth)x\(r.stepHeight)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
