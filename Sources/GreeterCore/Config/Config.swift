/// The daemon's settings: one section per TOML table of `door-greeter.toml`, property names are the TOML keys in
/// camelCase. `Config()` is the all-defaults config; allowed ranges are enforced by `Config.parse` (ConfigLoader.swift)
/// and documented in the example file `door-greeter.toml`, which a test keeps equal to these defaults.
public struct Config: Sendable, Equatable {
    public var camera = Camera()
    public var models = Models()
    public var gallery = Gallery()
    public var detection = Detection()
    public var recognition = Recognition()
    public var tracking = Tracking()
    public var decision = Decision()
    public var motion = Motion()
    public var greeting = Greeting()
    public var speech = SpeechSettings()
    public var state = State()
    public var visits = Visits()
    public var log = Log()
    public var mqtt = MQTT()

    public init() {}

    public struct Camera: Sendable, Equatable {
        /// Absolute V4L2 device path; a /dev/v4l/by-id/... path survives re-plugging.
        public var device = "/dev/video0"
        public var width = 640
        public var height = 480
        public var fps = 30
        public init() {}
    }

    public struct Models: Sendable, Equatable {
        public var directory = "/var/lib/door-greeter/models"
        public init() {}
    }

    public struct Gallery: Sendable, Equatable {
        public var directory = "/var/lib/door-greeter/gallery"
        /// Pixels; the smallest face accepted in an enrolment photo.
        public var minFaceSize = 80
        /// Larger photos are refused before decoding.
        public var maxImagePixels = 40_000_000
        /// L2 distance (0...2); a new photo this close to another person's is refused.
        public var duplicateDistance = FaceEmbedder.calibration.duplicateDistance.value
        /// Also enrol synthetic masked versions of each photo.
        public var maskedTemplates = true
        public init() {}
    }

    public struct Detection: Sendable, Equatable {
        public var model = FaceDetector.Model.yunet
        /// Pixels; the smallest face looked for.
        public var minFaceSize = 60
        /// YuNet's score threshold, 0...1.
        public var minScore = 0.6
        /// MTCNN P-Net, R-Net, O-Net score thresholds, in that order; always 3 values in 0...1.
        public var thresholds = [0.6, 0.7, 0.7]
        /// MTCNN image-pyramid scale step.
        public var scaleFactor = 0.709
        public var threads = 2
        /// Look again around candidates that R- and O-net almost accepted (masked faces).
        public var secondLook = true
        public init() {}
    }

    public struct Recognition: Sendable, Equatable {
        /// L2 distance (0...2); a best match farther than this is unknown.
        public var threshold = FaceEmbedder.calibration.threshold.value
        /// The best person must beat the second-best person by this much L2 distance.
        public var ambiguityMargin = FaceEmbedder.calibration.ambiguityMargin.value
        /// L2 distance (0...2) within which a synthetic masked template accepts a face; stricter than `threshold`.
        public var maskedThreshold = FaceEmbedder.calibration.maskedThreshold.value
        public var alignment = Alignment.similarity
        /// Embed each face together with its mirror image and average the two.
        public var averageMirror = true
        public init() {}

        public enum Alignment: String, Sendable, Equatable, CaseIterable {
            /// The detector's box, squared and resized.
            case crop
            /// A similarity transform of the five landmarks onto a reference face.
            case similarity
        }
    }

    public struct Tracking: Sendable, Equatable {
        /// Intersection over union above which a detection continues a track.
        public var iou = 0.3
        public var lostAfterMs = 1500
        public var reembedIntervalMs = 200
        public init() {}
    }

    public struct Decision: Sendable, Equatable {
        /// K: agreeing looks among the last N that always name a track (a look well inside the threshold needs
        /// none to agree, see `VoteBox`); never more than `window`.
        public var votes = 3
        /// N
        public var window = 5
        public init() {}
    }

    public struct Motion: Sendable, Equatable {
        public var enabled = true
        /// Mean absolute grey-level difference (0...255) on a 64x48 thumbnail that counts as motion.
        public var threshold = 6.0
        /// Detection still runs this often in a static scene, so a still face stays tracked (`MotionGate`: less often
        /// with nobody in view).
        public var idleDetectIntervalMs = 1000
        public init() {}
    }

    public struct Greeting: Sendable, Equatable {
        /// Always contains `{names}`.
        public var template = "Welcome {names}"
        /// What to say to an unknown face; empty says nothing.
        public var unknown = ""
        public var cooldownMinutes = 30.0
        /// People arriving within this are greeted in one sentence.
        public var groupWindowMs = 1500
        /// nil: never quiet.
        public var quietHours: QuietHours? = nil
        /// Per-person text keyed by person name as `door-greeter gallery` shows it; may contain `{name}`.
        public var people: [String: String] = [:]
        public init() {}
    }

    public struct State: Sendable, Equatable {
        public var directory = "/var/lib/door-greeter/state"
        public init() {}
    }

    /// The visit log in `STATE/visits`: each decided track with its best face crop (biometric data).
    public struct Visits: Sendable, Equatable {
        /// false: the records are kept, no image at all.
        public var enabled = true
        /// Visits older than this many days are deleted.
        public var keepDays = 30.0
        /// Beyond this many, the oldest visits are deleted.
        public var maxCount = 1000
        public init() {}
    }

    public struct Log: Sendable, Equatable {
        public var level = Level.info
        public init() {}

        /// Raw values match swift-log's `Logger.Level` raw values.
        public enum Level: String, Sendable, Equatable, CaseIterable {
            case debug, info, notice, warning, error
        }
    }

    /// Publishing to an MQTT broker (Home Assistant). Empty strings mean "not set".
    public struct MQTT: Sendable, Equatable {
        public var enabled = false
        public var host = "localhost"
        public var port = 1883
        /// Names this door on the broker and in Home Assistant; "" is the machine's host name.
        public var deviceId = ""
        public var username = ""
        /// Absolute path of a file holding the password (never the password itself in the config).
        public var passwordFile = ""
        /// TLS: a CA file turns it on; a client certificate and its key go together.
        public var caFile = ""
        public var certFile = ""
        public var keyFile = ""
        /// "" is `door-greeter/<device id>`.
        public var topicPrefix = ""
        public var discovery = true
        public var discoveryPrefix = "homeassistant"
        /// Send the JPEG crop of an unknown visitor's face (biometric data: off by default).
        public var publishFaces = false
        /// A person recognised is `home` for this long after the last recognition.
        public var presenceTimeoutMinutes = 10.0
        public init() {}
    }
}
