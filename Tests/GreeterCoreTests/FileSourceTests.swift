import Foundation
import GreeterCore
import Testing

@Suite struct FileSourceTests {
    /// A FIFO named as the video would hang ffmpeg's open: it is refused at once, with what it is.
    @Test func aFIFOAsTheVideoIsRefusedWithoutWaiting() throws {
        let folder = RealData.scratch("fifo-source")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/clip.mp4"
        #expect(mkfifo(path, 0o600) == 0)
        let error = try #require(throws: FileSource.Problem.self) { try FileSource(path: path) }
        #expect(error.description.contains("is a FIFO, not a video file"), "\(error)")
    }
}
