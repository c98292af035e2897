/// Everything wrong with a config file, all at once, so one edit-and-restart fixes them all.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One thing wrong: where it is, which key, what value was found and what is allowed instead.
    public struct Problem: CustomStringConvertible, Sendable, Equatable {
        /// The config file's path as given to `Config.load(path:)` or the `source` given to `Config.parse`.
        public var file: String
        /// 1-based line, when it is known.
        public var line: Int?
        /// Dotted key path such as `recognition.threshold`; nil for problems with the file as a whole.
        public var key: String?
        /// The offending value as written in TOML, when there is one.
        public var found: String?
        /// What is wrong and what is allowed.
        public var message: String

        public init(file: String, line: Int? = nil, key: String? = nil, found: String? = nil, message: String) {
            self.file = file
            self.line = line
            self.key = key
            self.found = found
            self.message = message
        }

        /// `file:line: key = value: message`, the shape editors and `grep -n` use.
        public var description: String {
            var text = file
            if let line { text += ":\(line)" }
            if let key { text += ": " + (found.map { "\(key) = \($0)" } ?? key) }
            return text + ": " + message
        }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// One problem per line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
