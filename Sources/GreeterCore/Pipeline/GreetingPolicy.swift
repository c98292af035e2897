/// Decides what to say when tracks are recognised: once per visit, not again within the cooldown,
/// people arriving together in one utterance, nothing in quiet hours.
///
/// A state machine driven only by the times it is given; call it from one serial queue. `submit` takes each new
/// decision, `flush` emits a gathered group once its window has passed (call it on a timer, see `groupDeadline`).
public struct GreetingPolicy: Sendable {
    public private(set) var settings: Settings
    /// Last greeting per identity; persisted at every greeting.
    public private(set) var log: GreetingLog
    /// Tracks that have had their greeting (spoken, gathered or suppressed) in this visit.
    private var greetedTracks: Set<TrackID> = []
    private var group: [TrackDecision] = []
    private var groupStart: Double?

    public init(settings: Settings, log: GreetingLog) {
        self.settings = settings
        self.log = log
    }

    /// Monotonic time at which the group being gathered is due, nil when none is.
    public var groupDeadline: Double? { groupStart.map { $0 + settings.groupWindow } }

    /// Takes a track's new decision. Returns what happened to it, preceded by a group whose window ended
    /// before `now` if `flush` has not emitted it yet.
    public mutating func submit(_ decided: TrackDecision, at now: Moment) -> [GreetingEvent] {
        var events = flush(now: now)
        if let reason = skipReason(for: decided, at: now) {
            if reason == .alreadyInGroup { greetedTracks.insert(decided.trackID) }
            return events + [.skipped(trackID: decided.trackID, identity: decided.identity, reason: reason)]
        }
        greetedTracks.insert(decided.trackID)
        group.append(decided)
        if groupStart == nil { groupStart = now.monotonic }
        events += flush(now: now)  // a zero group window greets at once
        return events
    }

    /// Emits the gathered group if its window has passed — or at once with `early`, when the caller knows
    /// nobody else is about to join it: spoken, or suppressed inside quiet hours.
    public mutating func flush(now: Moment, early: Bool = false) -> [GreetingEvent] {
        guard let deadline = groupDeadline, early || now.monotonic >= deadline else { return [] }
        // Settings may have changed since the group was gathered (SIGHUP): an unknown face is only greeted if
        // there is still something to say to it.
        let members = group.filter { $0.identity != .unknown || !settings.unknownText.isEmpty }
        group = []
        groupStart = nil
        let text = GreetingText.compose(members.map(\.identity), settings: settings)
        guard !text.isEmpty else { return [] }
        let people = members.map { member in
            Greeting.Person(identity: member.identity, trackID: member.trackID, votes: member.decision.votes,
                            window: member.decision.window, meanDistance: member.decision.meanDistance,
                            msFromFirstFrame: Int(((now.monotonic - member.trackFirstSeen) * 1000).rounded()))
        }
        let greeting = Greeting(text: text, people: people)
        if settings.quietHours?.contains(minuteOfDay: now.minuteOfDay) == true {
            return [.suppressedByQuietHours(greeting)]
        }
        do {
            try log.record(people.map(\.identity), at: now.unix)
        } catch {
            return [.speak(greeting), .notSaved(error)]
        }
        return [.speak(greeting)]
    }

    /// The track has ended (the tracker expired it): its next appearance is a new visit.
    public mutating func endVisit(_ trackID: TrackID) {
        greetedTracks.remove(trackID)
    }

    /// Applies new settings (SIGHUP) keeping cooldowns, visits and the group being gathered.
    public mutating func reconfigure(_ settings: Settings) {
        self.settings = settings
    }

    private func skipReason(for decided: TrackDecision, at now: Moment) -> GreetingEvent.SkipReason? {
        let identity = decided.identity
        if greetedTracks.contains(decided.trackID) { return .alreadyGreetedThisVisit }
        if identity == .unknown && settings.unknownText.isEmpty { return .unknownNotGreeted }
        if group.contains(where: { $0.identity == identity }) { return .alreadyInGroup }
        if let last = log.lastGreeted[identity] {
            // A greeting "in the future" means the wall clock was set back: do not let it block for that long.
            let elapsed = now.unix - last
            if elapsed >= 0 && elapsed < settings.cooldown { return .cooldown(lastGreeted: last) }
        }
        return nil
    }
}
