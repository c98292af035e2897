import ArgumentParser
import Foundation
import GreeterCore

struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Show who is enrolled, from which photos, and every refused photo with its reason.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Gallery folder. Default: the config's gallery.directory.", valueName: "DIR"))
    var directory: String?

    @Option(help: ArgumentHelp("Embedding cache (HDF5). Default: ~/.cache/door-greeter/ per gallery folder.", valueName: "FILE"))
    var cache: String?

    @Flag(help: "Do not read or write the embedding cache.")
    var noCache = false

    func run() throws {
        let config = try common.loadConfig()
        let report = try GalleryLoader(common: common, config: config, directory: directory, cache: cache,
                                       noCache: noCache).load()
        if common.json { return try printJSON(GalleryJSON(report)) }
        print("\(report.directory): \(report.people.count) people, \(report.matcher.templateCount) templates"
            + (report.embedded > 0 ? " (\(report.embedded) photos embedded now)" : ""))
        for person in report.people {
            let synthetic = person.templates.filter(Template.isSynthetic(kind:))
            let extra = synthetic.isEmpty ? "" : "\n      + \(synthetic.count) synthetic templates: "
                + synthetic.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: ", ")
            let negatives = person.negatives.isEmpty ? "" : "\n      not \(person.name) (\(person.negatives.count) "
                + "corrections): \(person.negatives.joined(separator: ", "))"
            print("  \(person.name)  ← \(person.files.joined(separator: ", "))\(extra)\(negatives)")
        }
        if !report.rejections.isEmpty { print("refused:") }
        for rejection in report.rejections { print("  \(rejection.file): \(rejection.reason)") }
        for warning in report.cacheWarnings { print("warning: \(warning)") }
    }
}

/// Scans a gallery the way every subcommand wants it: with the config's settings, a cache per folder and a
/// progress bar.
struct GalleryLoader {
    let common: CommonOptions
    let config: Config
    let directory: String?
    let cache: String?
    let noCache: Bool

    func load(analyzer existing: FaceAnalyzer? = nil) throws -> GalleryReport {
        try scanned(analyzer: existing).report
    }

    /// The gallery scanned, for asking it afterwards whether it would take another photo.
    func scanned(analyzer existing: FaceAnalyzer? = nil) throws -> (gallery: Gallery, report: GalleryReport) {
        let folder = directory ?? config.gallery.directory
        let analyzer = try existing ?? common.analyzer(config)
        let gallery = Gallery(directory: folder, analyzer: analyzer, settings: config.gallerySettings,
                              cachePath: noCache ? nil : cache ?? Self.defaultCache(for: folder))
        var bar = ProgressBar("enrolling", json: common.json)
        return (gallery, try gallery.scan { bar.update($0, $1) })
    }

    static func defaultCache(for folder: String) -> String {
        let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"]
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache")
        let tag = String(SHA256.hexDigest(of: Array(absolute.utf8)).prefix(16))
        return "\(base)/door-greeter/gallery-\(tag).h5"
    }
}

struct GalleryJSON: Encodable {
    let directory: String
    let people: [GalleryReport.Person]
    let rejected: [GalleryReport.Rejection]
    let templates: Int
    let embeddedNow: Int
    let warnings: [String]

    init(_ report: GalleryReport) {
        directory = report.directory
        people = report.people
        rejected = report.rejections
        templates = report.matcher.templateCount
        embeddedNow = report.embedded
        warnings = report.cacheWarnings
    }
}
