/// What the pipeline decides with, owned by its one serial queue: the tracks, each track's votes, and the
/// greeting policy.
struct DecisionState {
    private var tracker: Tracker
    private var boxes: [TrackID: VoteBox] = [:]
    private var firstSeen: [TrackID: Double] = [:]
    /// Tracks decided "unknown", with when they are looked at again.
    private var rechecks: [TrackID: RecheckSchedule] = [:]
    /// Each track's face as it was when last embedded.
    private var lastLook: [TrackID: DetectedFace] = [:]
    private var policy: GreetingPolicy
    private var rule: VoteBox.Rule
    /// The shortest wait between looks at an unknown face (`tracking.reembed_interval_ms`).
    private var recheckInterval: Double

    init(settings: PipelineSettings, log: GreetingLog) {
        tracker = Tracker(settings: settings.tracker)
        policy = GreetingPolicy(settings: settings.greeting, log: log)
        rule = settings.decision
        recheckInterval = settings.unknownRecheckInterval
    }

    mutating func reconfigure(_ settings: PipelineSettings) {
        tracker.settings = settings.tracker
        policy.reconfigure(settings.greeting)
        // Tracks already being voted on keep their boxes; new tracks get the new rule.
        rule = settings.decision
        recheckInterval = settings.unknownRecheckInterval
    }

    /// Associates a frame's detections with tracks; returns the faces worth embedding now.
    mutating func track(_ faces: [DetectedFace], time: Double) -> [(track: TrackID, face: DetectedFace)] {
        var wanted: [(track: TrackID, face: DetectedFace)] = []
        for tracked in tracker.update(faces: faces, time: time) {
            if tracked.isNew {
                boxes[tracked.id] = VoteBox(rule: rule)
                firstSeen[tracked.id] = tracked.firstSeen
            }
            if tracked.reopened {
                boxes[tracked.id]?.reset()
                rechecks[tracked.id] = nil
            }
            if let recheck = rechecks[tracked.id],
               !recheck.isDue(tracked.face, previous: lastLook[tracked.id], at: time, base: recheckInterval,
                              growFactor: tracker.settings.growFactor) { continue }
            guard tracker.shouldEmbed(tracked.id, time: time) else { continue }
            tracker.markEmbedded(tracked.id, time: time)
            rechecks[tracked.id]?.looked(at: time)
            lastLook[tracked.id] = tracked.face
            wanted.append((tracked.id, tracked.face))
        }
        return wanted
    }

    /// Whether a face queued for embedding is still worth it: its track may have been named or ended meanwhile.
    func stillWanted(_ track: TrackID) -> Bool { tracker.isOpen(track) }

    /// Whether the track has not ended: a face being embedded when its track ended comes back too late.
    func isTracked(_ track: TrackID) -> Bool { boxes[track] != nil }

    /// One recognition of a track's face; a decision goes to the policy.
    mutating func vote(_ track: TrackID, match: Matcher.Match, at moment: GreetingPolicy.Moment) -> [GreetingEvent] {
        guard var box = boxes[track], let first = firstSeen[track] else { return [] } // the track ended meanwhile
        let decision = box.add(match)
        boxes[track] = box
        guard let decision else {
            rechecks[track]?.judged(match, at: moment.monotonic, threshold: rule.matcher.threshold, base: recheckInterval)
            return []
        }
        switch decision.identity {
        case .person:
            tracker.markDecided(track)
            rechecks[track] = nil
        case .unknown: rechecks[track] = RecheckSchedule(at: moment.monotonic, base: recheckInterval)
        }
        let events = policy.submit(TrackDecision(trackID: track, decision: decision, trackFirstSeen: first), at: moment)
        return events + (anyoneUndecided ? [] : policy.flush(now: moment, early: true))
    }

    /// What a track has been decided to be so far.
    func decision(of track: TrackID) -> VoteBox.Decision? { boxes[track]?.decision }

    /// A face in view that is still being recognised. The group window waits only for those: with nobody
    /// else undecided, the greeting is said at once.
    var anyoneUndecided: Bool {
        tracker.trackIDs.contains { boxes[$0]?.decision == nil }
    }

    /// What the next frame's detection would be for: every frame while someone is undecided; a look at an unknown
    /// face when its recheck is due (a turned or badly lit face may be recognised a moment later); else the faces
    /// in view, whose motion the gate need not detect on every frame.
    func detectionNeed(at time: Double) -> MotionGate.Need {
        MotionGate.Need(everyFrame: anyoneUndecided,
                        due: rechecks.values.contains { $0.isDue(at: time) },
                        faces: tracker.boxes)
    }

    /// Tracks that have not ended yet.
    var trackIDs: [TrackID] { tracker.trackIDs }

    /// Ends tracks not seen for a while and says a gathered group greeting whose window has closed.
    mutating func expire(now moment: GreetingPolicy.Moment) -> (ended: [TrackID], events: [GreetingEvent]) {
        let ended = tracker.expire(time: moment.monotonic)
        for id in ended {
            boxes[id] = nil
            firstSeen[id] = nil
            rechecks[id] = nil
            lastLook[id] = nil
            policy.endVisit(id)
        }
        guard let deadline = policy.groupDeadline, moment.monotonic >= deadline else { return (ended, []) }
        return (ended, policy.flush(now: moment))
    }

    /// At shutdown: whatever group is being gathered is greeted now.
    mutating func flushAll(now moment: GreetingPolicy.Moment) -> [GreetingEvent] {
        policy.flush(now: moment, early: true)
    }
}
