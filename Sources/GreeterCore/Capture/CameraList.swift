import CV4L2
import Foundation

extension V4L2Camera {
    /// The video capture devices under /dev, in node order, with their stable names and formats.
    /// Other V4L2 nodes (a UVC camera's metadata node, output devices) are left out.
    public static func listDevices(devDirectory: String = "/dev") -> [CameraInfo] {
        let files = FileManager.default
        let nodes = ((try? files.contentsOfDirectory(atPath: devDirectory)) ?? [])
            .compactMap { name in name.hasPrefix("video") ? Int(name.dropFirst(5)).map { (number: $0, name: name) } : nil }
            .sorted { $0.number < $1.number }
            .map { "\(devDirectory)/\($0.name)" }
        let byID = links(in: "\(devDirectory)/v4l/by-id")
        let byPath = links(in: "\(devDirectory)/v4l/by-path")
        return nodes.compactMap { path in
            var info = CameraInfo(path: path, byID: byID[path] ?? [], byPath: byPath[path] ?? [],
                                  card: "", driver: "", bus: "", formats: [], problem: nil)
            do {
                let device = try V4L2Device(path: path)
                let (caps, node) = try device.capabilities()
                guard node & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0 else { return nil }
                info.card = String(cArray: caps.card)
                info.driver = String(cArray: caps.driver)
                info.bus = String(cArray: caps.bus_info)
                info.formats = device.formats()
            } catch {
                info.problem = "\(error)"
            }
            return info
        }
    }

    /// Symlinks in a /dev/v4l folder, grouped by the node they resolve to.
    private static func links(in folder: String) -> [String: [String]] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        return Dictionary(grouping: names.map { "\(folder)/\($0)" }, by: { realPath($0) ?? "" })
    }
}

extension V4L2Device {
    /// The camera's own pixel formats with their sizes and rates.
    func formats() -> [CameraFormat] {
        formatDescriptions().map { description in
            let code = description.pixelformat
            var format = CameraFormat(fourcc: FourCC.string(code), name: String(cArray: description.description),
                                      compressed: description.flags & UInt32(V4L2_FMT_FLAG_COMPRESSED) != 0,
                                      sizes: [], sizeRange: nil)
            var size = v4l2_frmsizeenum()
            size.pixel_format = code
            while attempt(CV4L2_VIDIOC_ENUM_FRAMESIZES, &size) == 0 {
                if size.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
                    let (width, height) = (size.discrete.width, size.discrete.height)
                    let (fps, isRange) = rates(code, width: width, height: height)
                    format.sizes.append(CameraFrameSize(width: Int(width), height: Int(height), fps: fps, fpsIsRange: isRange))
                } else {
                    let s = size.stepwise
                    format.sizeRange = CameraSizeRange(
                        minWidth: Int(s.min_width), maxWidth: Int(s.max_width), stepWidth: Int(s.step_width),
                        minHeight: Int(s.min_height), maxHeight: Int(s.max_height), stepHeight: Int(s.step_height))
                    break  // a range is reported once
                }
                size.index += 1
            }
            return format
        }
    }

    /// The four-character codes the camera offers, for error messages: "YUYV, MJPG".
    func offeredFourCCs() -> String {
        formatDescriptions().map { FourCC.string($0.pixelformat) }.joined(separator: ", ")
    }

    private func formatDescriptions() -> [v4l2_fmtdesc] {
        var result: [v4l2_fmtdesc] = []
        var description = v4l2_fmtdesc()
        description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        while attempt(CV4L2_VIDIOC_ENUM_FMT, &description) == 0 {
            result.append(description)
            description.index += 1
        }
        return result
    }

    /// Frame rates at one size: the discrete ones, or the two ends of a range.
    private func rates(_ code: UInt32, width: UInt32, height: UInt32) -> (fps: [Double], isRange: Bool) {
        var interval = v4l2_frmivalenum()
        interval.pixel_format = code
        interval.width = width
        interval.height = height
        var fps: [Double] = []
        while attempt(CV4L2_VIDIOC_ENUM_FRAMEINTERVALS, &interval) == 0 {
            if interval.type != V4L2_FRMIVAL_TYPE_DISCRETE.rawValue {
                // Shortest interval is the highest rate.
                return ([Self.fps(interval.stepwise.max), Self.fps(interval.stepwise.min)], true)
            }
            fps.append(Self.fps(interval.discrete))
            interval.index += 1
        }
        return (fps, false)
    }

    private static func fps(_ interval: v4l2_fract) -> Double {
        interval.numerator == 0 ? 0 : Double(interval.denominator) / Double(interval.numerator)
    }
}
