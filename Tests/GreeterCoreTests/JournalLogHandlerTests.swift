import Dispatch
import Glibc
import Logging
import Testing

import GreeterCore

@Suite struct JournalLogHandlerTests {
    /// Logs through a real Logger into a pipe and returns the lines written.
    private func lines(
        style: JournalLogHandler.Style, label: String = "capture",
        provider: Logger.MetadataProvider? = nil, _ body: (inout Logger) -> Void
    ) -> [String] {
        let (readEnd, writeEnd) = SystemTestSupport.pipe()
        defer { close(readEnd) }
        var logger = Logger(label: label) {
            JournalLogHandler(label: $0, fd: writeEnd, style: style, metadataProvider: provider)
        }
        logger.logLevel = .trace
        body(&logger)
        close(writeEnd)
        return SystemTestSupport.readAll(readEnd).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func controlCharactersFromOutsideAreShownEscaped() {
        let output = lines(style: .journal) { $0.warning("refused gallery photo Esc\u{1B}[31mRED\u{07}.jpg\ttab\u{9B}") }
        #expect(output == ["<4>capture: refused gallery photo Esc\\u{1B}[31mRED\\u{7}.jpg\ttab\\u{9B}", ""])
    }

    @Test func journalLinesCarryTheSyslogPriorityAndNoTime() {
        let output = lines(style: .journal) { logger in
            logger.trace("t")
            logger.debug("d")
            logger.info("i")
            logger.notice("n")
            logger.warning("w")
            logger.error("e")
            logger.critical("c")
        }
        #expect(output == [
            "<7>capture: t", "<7>capture: d", "<6>capture: i", "<5>capture: n", "<4>capture: w", "<3>capture: e",
            "<2>capture: c", "",
        ])
    }

    @Test func metadataFollowsTheMessageSortedAndQuotedWhenNeeded() {
        let output = lines(style: .journal) { logger in
            logger.warning(
                "frame dropped",
                metadata: ["reason": "queue full", "device": "/dev/video0", "empty": "", "quote": "say \"hi\"", "n": "3"])
        }
        #expect(output[0] == #"<4>capture: frame dropped device=/dev/video0 empty="" n=3 quote="say \"hi\"" reason="queue full""#)
    }

    @Test func handlerProviderAndCallMetadataMergeWithTheCallWinning() {
        let provider = Logger.MetadataProvider { ["trace": "abc", "person": "provider"] }
        let output = lines(style: .journal, provider: provider) { logger in
            logger[metadataKey: "stage"] = "recognition"
            logger[metadataKey: "person"] = "handler"
            logger.info("match", metadata: ["person": "alice"])
        }
        #expect(output[0] == "<6>capture: match person=alice stage=recognition trace=abc")
    }

    @Test func newlinesNeverSplitAnEventIntoTwoJournalEntries() {
        let output = lines(style: .journal) { logger in
            logger.error("first\nsecond\r\nthird", metadata: ["detail": "a\nb"])
        }
        #expect(output == [#"<3>capture: first\nsecond\nthird detail=a\nb"#, ""])
    }

    @Test func anEmptyLabelLeavesJustTheMessage() {
        let output = lines(style: .journal, label: "") { $0.info("hello") }
        #expect(output[0] == "<6>hello")
    }

    @Test func terminalLinesHaveATimeAndALevelWord() throws {
        let output = lines(style: .terminal) { logger in
            logger.warning("frame dropped", metadata: ["n": "3"])
            logger.critical("camera lost")
        }
        let time = #/\d\d:\d\d:\d\d\.\d\d\d /#
        let warning = try #require(output[0].prefixMatch(of: time))
        #expect(output[0][warning.range.upperBound...] == "warning  capture: frame dropped n=3")
        let critical = try #require(output[1].prefixMatch(of: time))
        #expect(output[1][critical.range.upperBound...] == "critical capture: camera lost")
    }

    @Test func styleDefaultsToJournalWhenTheOutputIsNotATerminal() {
        let (readEnd, writeEnd) = SystemTestSupport.pipe()
        defer { close(readEnd) }
        JournalLogHandler(label: "x", fd: writeEnd).log(
            event: LogEvent(level: .info, message: "m", metadata: nil, source: nil, file: #fileID, function: #function, line: #line))
        close(writeEnd)
        #expect(SystemTestSupport.readAll(readEnd) == "<6>x: m\n")
    }

    /// Lines longer than a pipe's atomic write size, from many threads at once, still come out whole.
    @Test func concurrentLongLinesNeverInterleave() throws {
        let directory = SystemTestSupport.scratchDirectory("log")
        defer { SystemTestSupport.removeTree(directory) }
        let path = directory + "/log.txt"
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        try #require(fd >= 0)
        let threads = 8, linesPerThread = 50
        let logger = Logger(label: "t") { JournalLogHandler(label: $0, fd: fd, style: .journal) }
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let filler = String(repeating: Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(thread))), count: 6000)
            for index in 0..<linesPerThread { logger.info("\(thread) \(index) \(filler)") }
        }
        close(fd)
        let written = try #require(SystemTestSupport.readFile(path)).split(separator: "\n")
        #expect(written.count == threads * linesPerThread)
        for line in written {
            let fields = line.split(separator: " ")
            #expect(fields.count == 4 && fields[0] == "<6>t:")
            let thread = Int(fields[1]) ?? -1
            let expected = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(max(0, thread))))
            #expect(fields.last.map { $0.count == 6000 && $0.allSatisfy { $0 == expected } } == true)
        }
    }
}
