import ArgumentParser
import Foundation
import GreeterCore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Per-stage latency (p50/p95) and end-to-end photos per second, on real photos.",
        discussion: "Figures, not pass/fail: run it on an otherwise idle machine and compare runs.")

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("A photo with one face (scaled to 640x480 for the detection figure).", valueName: "PHOTO"))
    var photo = "../shared/datasets/photos/face_recognition_examples/examples/obama-480p.jpg"

    @Option(help: "Repetitions per stage.")
    var runs = 50

    struct Stage: Encodable {
        let stage: String
        let p50Milliseconds: Double
        let p95Milliseconds: Double
        let runs: Int
    }

    struct Output: Encodable {
        let stages: [Stage]
        let photosPerSecond: Double
        let residentMegabytes: Double
        let peakResidentMegabytes: Double
        /// Peak once the 100,000-template matcher was built: that benchmark's own 400 MB of templates.
        let peakWithLargeMatcherMegabytes: Double
        let threads: Int
    }

    func run() throws {
        let config = try common.loadConfig()
        let analyzer = try common.analyzer(config)
        guard let data = FileManager.default.contents(atPath: photo) else {
            throw Failure("\(photo): cannot read the benchmark photo (run from the project folder, or pass --photo)")
        }
        let bytes = [UInt8](data)
        var stages: [Stage] = []
        /// p50/p95 of `body` in milliseconds, divided by `per` items it handles each run.
        func measure(_ name: String, runs: Int? = nil, per: Int = 1, _ body: () throws -> Void) rethrows {
            let count = runs ?? self.runs
            try body() // warm-up: first calls allocate
            var times: [Double] = []
            for _ in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(per))
            }
            times.sort()
            let stage = Stage(stage: name, p50Milliseconds: times[count / 2],
                              p95Milliseconds: times[min(count - 1, count * 95 / 100)], runs: count)
            stages.append(stage)
            if !common.json {
                print("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) p50 \(String(format: "%8.3f", stage.p50Milliseconds)) ms   p95 \(String(format: "%8.3f", stage.p95Milliseconds)) ms")
            }
        }

        var image = try ImageFile.decode(bytes, maxPixels: config.gallery.maxImagePixels)
        try measure("decode \(image.width)x\(image.height) photo") { image = try ImageFile.decode(bytes, maxPixels: 40_000_000) }
        let frame = try image.resized(width: 640, height: 480)
        var faces: [DetectedFace] = []
        let detection = config.detectorSettings
        // Both detectors, the configured one last (its faces are the ones aligned below), for their ratio in one run.
        for model in FaceDetector.Model.allCases.sorted(by: { a, _ in a != detection.model }) {
            var settings = detection
            settings.model = model
            try measure("detect 640x480 (\(model.rawValue)), min face \(detection.minFaceSize) px") {
                faces = try analyzer.detector.detect(frame, settings: settings)
            }
        }
        guard let face = faces.first else { throw Failure("\(photo): no face found to benchmark") }
        var chip = frame
        for method in FaceAligner.Method.allCases {
            try measure("align (\(method.rawValue))") { chip = try FaceAligner(method: method).chip(from: frame, face: face) }
        }
        for mirror in [false, true] {
            let label = mirror ? " + mirror" : ""
            try measure("embed 1 face\(label)", runs: max(10, runs / 2)) {
                _ = try analyzer.embedder.embed([chip], averagingMirror: mirror)
            }
            try measure("embed 4 faces\(label), per face", runs: max(5, runs / 4), per: 4) {
                _ = try analyzer.embedder.embed(Array(repeating: chip, count: 4), averagingMirror: mirror)
            }
        }
        let query = try analyzer.embedder.embed([chip], averagingMirror: false)[0]
        let recognition = ResidentMemory.read()
        var generator = SystemRandomNumberGenerator()
        for size in [10, 1_000, 100_000] {
            let matcher = Matcher(templates: (0..<size).map { index in
                var v = (0..<FaceEmbedder.dimension).map { _ in Float.random(in: -1...1, using: &generator) }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                v = v.map { $0 / norm }
                return (name: "person \(index / 2)", kind: "photo", embedding: v)
            })
            measure("match against \(size) templates") { _ = matcher.match(query, settings: config.matcherSettings) }
        }
        let matcher = Matcher(templates: [(name: "someone", kind: "photo", embedding: query)])
        let endToEndRuns = max(10, runs / 2)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<endToEndRuns {
            let decoded = try ImageFile.decode(bytes, maxPixels: config.gallery.maxImagePixels)
            for found in try analyzer.analyze(decoded, detection: detection, aligner: config.aligner) {
                _ = matcher.match(found.embedding, settings: config.matcherSettings)
            }
        }
        let perSecond = Double(endToEndRuns) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        let memory = ResidentMemory.read()
        let output = Output(stages: stages, photosPerSecond: perSecond, residentMegabytes: recognition.current,
                            peakResidentMegabytes: recognition.peak, peakWithLargeMatcherMegabytes: memory.peak,
                            threads: config.detection.threads)
        if common.json { return try printJSON(output) }
        print(String(format: "end to end (decode → match), %@: %.1f photos/s", "\(image.width)x\(image.height)", perSecond))
        print(String(format: "resident memory %.0f MB (peak %.0f MB; %.0f MB with the 100000-template matcher), "
            + "%d OpenCV threads", recognition.current, recognition.peak, memory.peak, config.detection.threads))
    }
}
