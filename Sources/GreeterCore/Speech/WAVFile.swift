import Foundation

/// 16-bit mono PCM sound: what eSpeak NG produces and what `wav:` output writes, as a RIFF/WAVE file.
public struct WAVFile: Sendable, Equatable {
    public let sampleRate: Int
    public let samples: [Int16]

    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    /// Reads a 16-bit mono PCM WAV file; other formats are refused with the reason.
    public init(contentsOf path: String) throws(SpeechError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .wavFile(path: path, reason: "cannot be read")
        }
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> SpeechError { .wavFile(path: path, reason: reason) }
        guard bytes.count >= 12, bytes.ascii(0, 4) == "RIFF", bytes.ascii(8, 4) == "WAVE" else {
            throw fail("not a RIFF/WAVE file")
        }
        var rate: Int?
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = bytes.ascii(offset, 4)
            let size = Int(bytes.uint32(offset + 4))
            let body = offset + 8
            guard body + size <= bytes.count else { throw fail("chunk \"\(id)\" runs past the end of the file") }
            if id == "fmt " {
                guard size >= 16 else { throw fail("\"fmt \" chunk is too short") }
                let format = bytes.uint16(body), channels = bytes.uint16(body + 2), bits = bytes.uint16(body + 14)
                guard format == 1, channels == 1, bits == 16 else {
                    throw fail("format \(format), \(channels) channels, \(bits) bits; expected 16-bit mono PCM")
                }
                rate = Int(bytes.uint32(body + 4))
            } else if id == "data" {
                guard let rate else { throw fail("\"data\" chunk comes before the \"fmt \" chunk") }
                self.sampleRate = rate
                self.samples = stride(from: body, to: body + size - 1, by: 2).map {
                    Int16(bitPattern: bytes.uint16($0))
                }
                return
            }
            offset = body + size + size % 2  // chunks are padded to an even length
        }
        throw fail("no \"data\" chunk")
    }

    /// Length in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }

    /// Root mean square of the samples (0 for silence, at most 32768): how loud the sound is overall.
    public var rms: Double {
        guard !samples.isEmpty else { return 0 }
        let energy = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (energy / Double(samples.count)).squareRoot()
    }

    /// The complete file: a 44-byte header, then the samples in little-endian order.
    public func encoded() -> [UInt8] {
        let dataSize = samples.count * 2
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44 + dataSize)
        bytes.append(contentsOf: Array("RIFF".utf8))
        bytes.appendLittleEndian(UInt32(36 + dataSize))
        bytes.append(contentsOf: Array("WAVEfmt ".utf8))
        bytes.appendLittleEndian(UInt32(16))  // fmt chunk size
        bytes.appendLittleEndian(UInt16(1))  // PCM
        bytes.appendLittleEndian(UInt16(1))  // mono
        bytes.appendLittleEndian(UInt32(sampleRate))
        bytes.appendLittleEndian(UInt32(sampleRate * 2))  // bytes per second
        bytes.appendLittleEndian(UInt16(2))  // bytes per frame
        bytes.appendLittleEndian(UInt16(16))  // bits per sample
        bytes.append(contentsOf: Array("data".utf8))
        bytes.appendLittleEndian(UInt32(dataSize))
        for sample in samples { bytes.appendLittleEndian(UInt16(bitPattern: sample)) }
        return bytes
    }
}

extension [UInt8] {
    fileprivate func ascii(_ offset: Int, _ count: Int) -> String {
        String(decoding: self[offset..<Swift.min(offset + count, self.count)], as: UTF8.self)
    }

    fileprivate func uint16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    fileprivate func uint32(_ offset: Int) -> UInt32 {
        UInt32(uint16(offset)) | UInt32(uint16(offset + 2)) << 16
    }

    fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
