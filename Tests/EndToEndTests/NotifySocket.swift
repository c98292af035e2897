import Foundation
import Testing

/// The test's stand-in for systemd's notification socket: an AF_UNIX datagram socket bound to a path in a
/// scratch directory. `path` goes into the daemon's NOTIFY_SOCKET.
final class NotifySocket {
    let path: String
    private let directory: String
    private let fd: Int32
    /// Every datagram received so far, in order.
    private(set) var messages: [String] = []

    init() throws {
        directory = try TestPaths.scratchDirectory("notify")
        path = directory + "/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0, "socket: \(String(cString: strerror(errno)))")
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array(path.utf8)
        try #require(name.count < MemoryLayout.size(ofValue: address.sun_path), "socket path \(path) is too long")
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0, "bind \(path): \(String(cString: strerror(errno)))")
    }

    deinit {
        close(fd)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Reads whatever datagrams are waiting, without blocking, and returns all received so far.
    @discardableResult
    func receive() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count >= 0 else { break }
            messages.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
        return messages
    }

    /// The index of the first message at `index` or later that satisfies `matches`, if one arrived.
    func firstIndex(from index: Int = 0, where matches: (String) -> Bool) -> Int? {
        let all = receive()
        return all.indices.dropFirst(index).first { matches(all[$0]) }
    }
}
