import ArgumentParser
import GreeterCore

/// Where the gallery and the state folder are, for the commands that work beside a running daemon: the config's,
/// overridden exactly as `run` overrides them.
struct PlaceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Override gallery.directory.", valueName: "DIR"))
    var gallery: String?

    @Option(help: ArgumentHelp("Override state.directory (where the daemon keeps the visits).", valueName: "DIR"))
    var stateDir: String?

    func config(_ common: CommonOptions) throws -> Config {
        var config = try common.loadConfig()
        Daemon.Overrides(source: nil, realTime: true, loop: false, speech: nil, gallery: gallery,
                         stateDirectory: stateDir, models: nil, statsFile: nil).apply(to: &config)
        return config
    }

    /// The gallery scanned with the CLI's cache, to judge a new photo as the daemon will.
    func scannedGallery(_ common: CommonOptions, _ config: Config, analyzer: FaceAnalyzer? = nil) throws
        -> (gallery: Gallery, report: GalleryReport) {
        try GalleryLoader(common: common, config: config, directory: nil, cache: nil, noCache: false)
            .scanned(analyzer: analyzer)
    }

    /// The visit's face crop, or a line saying why there is none.
    func visitCrop(_ id: String, _ config: Config) throws -> (visit: Visit, bytes: [UInt8]) {
        let store = VisitStore(stateDirectory: config.state.directory)
        let visit = try store.visit(id)
        guard let face = visit.face else {
            throw Failure("visit \(id) kept no face image (visits.enabled = false when it was recorded)")
        }
        return (visit, try FileBytes.read(store.path(of: face)))
    }
}
