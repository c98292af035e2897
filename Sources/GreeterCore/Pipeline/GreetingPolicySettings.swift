extension GreetingPolicy {
    /// What to say and when; every field may change on SIGHUP (`GreetingPolicy.reconfigure`).
    public struct Settings: Sendable, Equatable {
        /// Said to the group of known people without their own text; "{names}" becomes "Alice, Bob and Carol".
        public var template: String
        /// Per-person sentence replacing the template for that person; "{name}" becomes the name.
        public var people: [String: String]
        /// Said to unknown faces; empty means unknown faces are not greeted.
        public var unknownText: String
        /// Seconds before the same person (or "unknown") is greeted again.
        public var cooldown: Double
        /// Seconds, from a group's first decision, during which further decisions join the same greeting.
        public var groupWindow: Double
        public var quietHours: QuietHours?

        public init(template: String = "Welcome {names}", people: [String: String] = [:], unknownText: String = "",
                    cooldown: Double = 30 * 60, groupWindow: Double = 1.5, quietHours: QuietHours? = nil) {
            precondition(cooldown >= 0 && groupWindow >= 0,
                         "GreetingPolicy.Settings: cooldown \(cooldown) and groupWindow \(groupWindow) must be >= 0")
            self.template = template; self.people = people; self.unknownText = unknownText
            self.cooldown = cooldown; self.groupWindow = groupWindow; self.quietHours = quietHours
        }
    }
}
