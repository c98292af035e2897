import Glibc
import SystemPackage
import TOMLKit

extension Config {
    /// Reads and validates a config file; every key is optional and defaults to `Config()`'s value.
    public static func load(path: String) throws(ConfigError) -> Config {
        try parse(readText(path: path), source: path)
    }

    /// Validates TOML `text`; `source` names it in messages (usually the file path).
    public static func parse(_ text: String, source: String) throws(ConfigError) -> Config {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            throw ConfigError(problems: [
                .init(
                    file: source, line: begin.line,
                    message: "TOML syntax error at column \(begin.column): \(error.description)")
            ])
        } catch {
            throw ConfigError(problems: [.init(file: source, message: "TOML syntax error: \(error)")])
        }
        var reader = ConfigReader(file: source, root: root, text: text)
        var config = Config()
        readSchema(into: &config, with: &reader)
        checkVotesFitWindow(config.decision, with: &reader)
        checkTLSFiles(config.mqtt, with: &reader)
        reader.recordUnknownKeys()
        guard reader.problems.isEmpty else {
            // In file order, so they read like a walk down the file; problems without a line keep their order last.
            let ordered = reader.problems.enumerated().sorted {
                ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset)
            }
            throw ConfigError(problems: ordered.map(\.element))
        }
        return config
    }

    /// The schema: every key, its type and allowed values. Keep `door-greeter.toml` in step (a test compares them).
    static func readSchema(into c: inout Config, with r: inout ConfigReader) {
        r.absolutePath("camera.device", into: &c.camera.device)
        r.int("camera.width", in: 160...3840, into: &c.camera.width)
        r.int("camera.height", in: 120...2160, into: &c.camera.height)
        r.int("camera.fps", in: 1...120, into: &c.camera.fps)

        r.absolutePath("models.directory", into: &c.models.directory)

        r.absolutePath("gallery.directory", into: &c.gallery.directory)
        r.int("gallery.min_face_size", in: 20...2000, into: &c.gallery.minFaceSize)
        r.int("gallery.max_image_pixels", in: 10_000...400_000_000, into: &c.gallery.maxImagePixels)
        r.double("gallery.duplicate_distance", in: 0...2, into: &c.gallery.duplicateDistance)
        r.bool("gallery.masked_templates", into: &c.gallery.maskedTemplates)

        r.choice("detection.model", into: &c.detection.model)
        r.int("detection.min_face_size", in: 12...1000, into: &c.detection.minFaceSize)
        r.double("detection.min_score", in: 0...1, into: &c.detection.minScore)
        r.doubles("detection.thresholds", count: 3, in: 0...1, into: &c.detection.thresholds)
        r.double("detection.scale_factor", in: 0.5...0.95, into: &c.detection.scaleFactor)
        r.int("detection.threads", in: 1...16, into: &c.detection.threads)
        r.bool("detection.second_look", into: &c.detection.secondLook)

        r.double("recognition.threshold", in: 0...2, into: &c.recognition.threshold)
        r.double("recognition.ambiguity_margin", in: 0...1, into: &c.recognition.ambiguityMargin)
        r.double("recognition.masked_threshold", in: 0...2, into: &c.recognition.maskedThreshold)
        r.choice("recognition.alignment", into: &c.recognition.alignment)
        r.bool("recognition.average_mirror", into: &c.recognition.averageMirror)

        r.double("tracking.iou", in: 0.05...0.95, into: &c.tracking.iou)
        r.int("tracking.lost_after_ms", in: 100...60_000, into: &c.tracking.lostAfterMs)
        r.int("tracking.reembed_interval_ms", in: 0...10_000, into: &c.tracking.reembedIntervalMs)

        r.int("decision.votes", in: 1...50, into: &c.decision.votes)
        r.int("decision.window", in: 1...50, into: &c.decision.window)

        r.bool("motion.enabled", into: &c.motion.enabled)
        r.double("motion.threshold", in: 0...255, into: &c.motion.threshold)
        r.int("motion.idle_detect_interval_ms", in: 0...60_000, into: &c.motion.idleDetectIntervalMs)

        r.string(
            "greeting.template", into: &c.greeting.template, expected: "a string containing {names}",
            invalid: "no {names} placeholder", parse: { $0.contains("{names}") ? $0 : nil })
        r.string("greeting.unknown", into: &c.greeting.unknown)
        r.double("greeting.cooldown_minutes", in: 0...10_080, into: &c.greeting.cooldownMinutes)
        r.int("greeting.group_window_ms", in: 0...10_000, into: &c.greeting.groupWindowMs)
        r.string(
            "greeting.quiet_hours", into: &c.greeting.quietHours,
            expected:
                "\"\" (never quiet) or \"HH:MM-HH:MM\" on a 24-hour clock, start and end different, e.g. \"22:00-07:00\"",
            invalid: "not a valid time range",
            // "" parses to a successful nil: no quiet hours.
            parse: { $0.isEmpty ? .some(nil) : (try? QuietHours(parsing: $0)).map(Optional.some) })
        r.stringTable("greeting.people", valueMeaning: "greeting text", into: &c.greeting.people)

        r.string(
            "speech.output", into: &c.speech.output, expected: "\"audio\" or \"wav:/absolute/dir\"",
            invalid: "not a valid output", parse: { try? SpeechOutput(parsing: $0) })
        r.string(
            "speech.voice", into: &c.speech.voice, expected: "an eSpeak NG voice (`espeak-ng --voices` lists them)",
            invalid: "no such voice", parse: { SpeechSettings.isKnownVoice($0) ? $0 : nil })
        r.int("speech.rate", in: 80...450, into: &c.speech.rate)
        r.int("speech.volume", in: 0...200, into: &c.speech.volume)
        r.int("speech.pitch", in: 0...99, into: &c.speech.pitch)

        r.absolutePath("state.directory", into: &c.state.directory)

        r.choice("log.level", into: &c.log.level)

        r.bool("mqtt.enabled", into: &c.mqtt.enabled)
        r.string(
            "mqtt.host", into: &c.mqtt.host, expected: "a host name or IP address (letters, digits, '.', '-', ':')",
            invalid: "not a host name", parse: { MQTTNames.isHost($0) ? $0 : nil })
        r.int("mqtt.port", in: 1...65_535, into: &c.mqtt.port)
        r.string(
            "mqtt.device_id", into: &c.mqtt.deviceId,
            expected: "\"\" (the host name) or 1 to 64 letters, digits, '_' and '-'", invalid: "not a device id",
            parse: { $0.isEmpty || MQTTNames.isDeviceID($0) ? $0 : nil })
        r.string("mqtt.username", into: &c.mqtt.username)
        r.optionalAbsolutePath("mqtt.password_file", into: &c.mqtt.passwordFile)
        r.optionalAbsolutePath("mqtt.ca_file", into: &c.mqtt.caFile)
        r.optionalAbsolutePath("mqtt.cert_file", into: &c.mqtt.certFile)
        r.optionalAbsolutePath("mqtt.key_file", into: &c.mqtt.keyFile)
        r.string(
            "mqtt.topic_prefix", into: &c.mqtt.topicPrefix,
            expected: "\"\" (door-greeter/<device id>) or topic levels without '+', '#', leading or trailing '/'",
            invalid: "not a topic prefix", parse: { $0.isEmpty || MQTTNames.isTopicPrefix($0) ? $0 : nil })
        r.bool("mqtt.discovery", into: &c.mqtt.discovery)
        r.string(
            "mqtt.discovery_prefix", into: &c.mqtt.discoveryPrefix,
            expected: "topic levels without '+', '#', leading or trailing '/'", invalid: "not a topic prefix",
            parse: { MQTTNames.isTopicPrefix($0) ? $0 : nil })
        r.bool("mqtt.publish_faces", into: &c.mqtt.publishFaces)
        r.double("mqtt.presence_timeout_minutes", in: 1...10_080, into: &c.mqtt.presenceTimeoutMinutes)
    }

    /// A client certificate needs its key and a CA to check the broker with; reported on the key that is set.
    private static func checkTLSFiles(_ mqtt: MQTT, with r: inout ConfigReader) {
        let keys = ["cert_file", "key_file", "ca_file"]
        guard !keys.contains(where: { r.hasProblem("mqtt.\($0)") }) else { return }
        if mqtt.certFile.isEmpty != mqtt.keyFile.isEmpty {
            let (set, missing) = mqtt.certFile.isEmpty ? ("key_file", "cert_file") : ("cert_file", "key_file")
            r.record(["mqtt", set], found: r.value(at: ["mqtt", set]),
                     message: "set without mqtt.\(missing), expected both or neither")
        } else if !mqtt.certFile.isEmpty, mqtt.caFile.isEmpty {
            r.record(["mqtt", "cert_file"], found: r.value(at: ["mqtt", "cert_file"]),
                     message: "a client certificate without mqtt.ca_file, expected ca_file set for TLS")
        }
    }

    /// K of the last N cannot agree if K > N. Reported on whichever of the two the file sets (votes if both), and only
    /// when both are otherwise valid, since a rejected value has been replaced by its default.
    private static func checkVotesFitWindow(_ decision: Decision, with r: inout ConfigReader) {
        guard decision.votes > decision.window, !r.hasProblem("decision.votes"), !r.hasProblem("decision.window")
        else { return }
        if r.value(at: ["decision", "votes"]) != nil {
            r.record(
                ["decision", "votes"], found: decision.votes,
                message: "more than decision.window = \(decision.window), expected votes (K) <= window (N)")
        } else {
            r.record(
                ["decision", "window"], found: decision.window,
                message: "less than decision.votes = \(decision.votes), expected window (N) >= votes (K)")
        }
    }

    /// Every key of the schema, dotted, in reading order; the example-file test checks each one is documented.
    static var schemaKeys: [String] {
        var reader = ConfigReader(file: "", root: TOMLTable(), text: "")
        var config = Config()
        readSchema(into: &config, with: &reader)
        return reader.knownKeys.map(ConfigReader.display)
    }

    /// Reads with POSIX calls for the system's own words ("No such file or directory", "Is a directory", ...), which
    /// Foundation's errors lose on Linux.
    /// `--config /dev/null` is the documented way to say "all defaults"; any other path must be a regular file,
    /// read without blocking (a FIFO there would wait for a writer forever) and no further than fstat's size.
    private static func readText(path: String) throws(ConfigError) -> String {
        func failure(_ reason: String) -> ConfigError {
            ConfigError(problems: [.init(file: path, message: "cannot read the config file: \(reason)")])
        }
        guard path != "/dev/null" else { return "" }
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch { throw failure(error.reason) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw failure("not UTF-8 text") }
        return text
    }
}
