import CLinuxShims
import Glibc
import Testing

@Suite struct LinuxShimsTests {
    @Test func ioctlReachesTheKernel() throws {
        let (readEnd, writeEnd) = SystemTestSupport.pipe()
        defer { close(readEnd); close(writeEnd) }
        #expect(write(writeEnd, "hello", 5) == 5)
        var queued: Int32 = 0
        #expect(clinux_ioctl(readEnd, UInt(FIONREAD), &queued) == 0)
        #expect(queued == 5)
        #expect(clinux_ioctl(readEnd, 0xDEAD, &queued) == -1 && errno == ENOTTY)
    }
}
