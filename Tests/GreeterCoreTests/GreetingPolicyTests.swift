import Testing
@testable import GreeterCore

private let noon = 12 * 60
private let startUnix = 1_700_000_000.0

/// Monotonic `t`; the wall clock runs alongside from `startUnix` unless given.
private func at(_ t: Double, unix: Double? = nil, minute: Int = noon) -> GreetingPolicy.Moment {
    GreetingPolicy.Moment(monotonic: t, unix: unix ?? startUnix + t, minuteOfDay: minute)
}

private func decided(_ track: TrackID, _ name: String?, firstSeen: Double = 0) -> TrackDecision {
    TrackDecision(trackID: track,
                  decision: VoteBox.Decision(identity: name.map(Identity.person) ?? .unknown, votes: 3, window: 5, meanDistance: 0.7),
                  trackFirstSeen: firstSeen)
}

private func spoken(_ events: [GreetingEvent]) -> [String] {
    events.compactMap { if case .speak(let greeting) = $0 { greeting.text } else { nil } }
}

private func policy(in dir: String, _ settings: GreetingPolicy.Settings) -> GreetingPolicy {
    GreetingPolicy(settings: settings, log: GreetingLog.load(stateDirectory: dir).0)
}

@Suite struct GreetingPolicyTests {
    @Test func greetsOneArrivalAfterTheGroupWindowWithDetailsForTheLog() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir, .init(groupWindow: 1.5))
            #expect(greeter.submit(decided(1, "Alice", firstSeen: 9.2), at: at(10)) == [])
            #expect(greeter.groupDeadline == 11.5)
            #expect(greeter.flush(now: at(11.4)) == [])
            let events = greeter.flush(now: at(11.5))
            let person = Greeting.Person(identity: .person("Alice"), trackID: 1, votes: 3, window: 5, meanDistance: 0.7,
                                         msFromFirstFrame: 2300)
            #expect(events == [.speak(Greeting(text: "Welcome Alice", people: [person]))])
            #expect(greeter.groupDeadline == nil)
            #expect(greeter.flush(now: at(20)) == [])
        }
    }

    @Test func groupsPeopleArrivingTogether() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir, .init(groupWindow: 1))
            _ = greeter.submit(decided(1, "Alice"), at: at(10))
            _ = greeter.submit(decided(2, "Bob"), at: at(10.6))
            let pair = greeter.flush(now: at(11))
            #expect(spoken(pair) == ["Welcome Alice and Bob"])
            if case .speak(let greeting) = pair.first { #expect(greeting.names == ["Alice", "Bob"]) }

            _ = greeter.submit(decided(3, "Carol"), at: at(20))
            _ = greeter.submit(decided(4, "Dave"), at: at(20.2))
            _ = greeter.submit(decided(5, "Erin"), at: at(20.9))
            #expect(spoken(greeter.flush(now: at(21))) == ["Welcome Carol, Dave and Erin"])

            // Arriving after the window is a group of its own, even when no flush ran in between.
            _ = greeter.submit(decided(6, "Frank"), at: at(30))
            #expect(spoken(greeter.submit(decided(7, "Grace"), at: at(31.2))) == ["Welcome Frank"])
            #expect(spoken(greeter.flush(now: at(32.2))) == ["Welcome Grace"])
        }
    }

    @Test func zeroGroupWindowGreetsAtOnce() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir, .init(groupWindow: 0))
            #expect(spoken(greeter.submit(decided(1, "Alice"), at: at(10))) == ["Welcome Alice"])
        }
    }

    @Test func personalTextIsItsOwnSentenceInTheSameUtterance() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir, .init(template: "Hello {names}", people: ["Alice": "Good morning {name}!"],
                                                groupWindow: 1))
            _ = greeter.submit(decided(1, "Alice"), at: at(0))
            #expect(spoken(greeter.flush(now: at(1))) == ["Good morning Alice!"])
            _ = greeter.submit(decided(2, "Bob"), at: at(100))
            _ = greeter.submit(decided(3, "Carol"), at: at(100.1))
            greeter.reconfigure(.init(template: "Hello {names}", people: ["Bob": "Hi {name}, your parcel came"], groupWindow: 1))
            #expect(spoken(greeter.flush(now: at(101))) == ["Hello Carol. Hi Bob, your parcel came"])
        }
    }

    @Test func greetsATrackOnlyOncePerVisit() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir, .init(unknownText: "Hello stranger", cooldown: 0, groupWindow: 0))
            #expect(spoken(greeter.submit(decided(1, nil), at: at(0))) == ["Hello stranger"])
            // The same visit later recognised as Alice: not greeted a second time, despite no cooldown.
            #expect(greeter.submit(decided(1, "Alice"), at: at(5)) ==
                    [.skipped(trackID: 1, identity: .person("Alice"), reason: .alreadyGreetedThisVisit)])
            // After the track ended, the same person on a new track is a new visit.
            greeter.endVisit(1)
            #expect(spoken(greeter.submit(decided(2, "Alice"), at: at(60))) == ["Welcome Alice"])
        }
    }

    @Test func sameIdentityOnTwoTracksInOneGroupIsGreetedOnce() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir, .init(unknownText: "Hello", groupWindow: 1))
            _ = greeter.submit(decided(1, nil), at: at(0))
            #expect(greeter.submit(decided(2, nil), at: at(0.5)) ==
                    [.skipped(trackID: 2, identity: .unknown, reason: .alreadyInGroup)])
            let events = greeter.flush(now: at(1))
            #expect(spoken(events) == ["Hello"])
        }
    }

    @Test func cooldownHoldsAcrossARestartAndThenExpires() throws {
        try withTemporaryStateDirectory { dir in
            let settings = GreetingPolicy.Settings(cooldown: 1800, groupWindow: 0)
            var first = policy(in: dir, settings)
            #expect(spoken(first.submit(decided(1, "Alice"), at: at(0, unix: startUnix))) == ["Welcome Alice"])

            // Restart: a new process, its monotonic clock starting over, the same state file.
            var second = policy(in: dir, settings)
            #expect(second.submit(decided(1, "Alice"), at: at(3, unix: startUnix + 600)) ==
                    [.skipped(trackID: 1, identity: .person("Alice"), reason: .cooldown(lastGreeted: startUnix))])
            #expect(spoken(second.submit(decided(2, "Bob"), at: at(4, unix: startUnix + 601))) == ["Welcome Bob"])
            #expect(spoken(second.submit(decided(3, "Alice"), at: at(5, unix: startUnix + 1800))) == ["Welcome Alice"])
        }
    }

    @Test func wallClockSetBackDoesNotBlockGreetings() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir, .init(groupWindow: 0))
            _ = greeter.submit(decided(1, "Alice"), at: at(0, unix: startUnix))
            #expect(spoken(greeter.submit(decided(2, "Alice"), at: at(10, unix: startUnix - 86_400))) == ["Welcome Alice"])
        }
    }

    @Test func unknownFacesAreGreetedOnlyWithAnUnknownTextAndWithACooldown() throws {
        try withTemporaryStateDirectory { dir in
            var silent = policy(in: dir, .init(groupWindow: 0))
            #expect(silent.submit(decided(1, nil), at: at(0)) ==
                    [.skipped(trackID: 1, identity: .unknown, reason: .unknownNotGreeted)])

            var greeter = policy(in: dir, .init(unknownText: "Hello, who are you?", cooldown: 60, groupWindow: 1))
            _ = greeter.submit(decided(2, nil), at: at(0))
            _ = greeter.submit(decided(3, "Alice"), at: at(0.5))
            #expect(spoken(greeter.flush(now: at(1))) == ["Welcome Alice. Hello, who are you?"])
            #expect(greeter.submit(decided(4, nil), at: at(30)) ==
                    [.skipped(trackID: 4, identity: .unknown, reason: .cooldown(lastGreeted: startUnix + 1))])
            _ = greeter.submit(decided(5, nil), at: at(61))
            #expect(spoken(greeter.flush(now: at(62))) == ["Hello, who are you?"])
        }
    }

    @Test func quietHoursSuppressEvenPastMidnightAndStartNoCooldown() throws {
        try withTemporaryStateDirectory { dir in
            let night = try QuietHours(parsing: "22:00-07:00")
            var greeter = policy(in: dir, .init(groupWindow: 0, quietHours: night))
            for (track, minute) in [(1, 23 * 60), (2, 0), (3, 6 * 60 + 59)] {
                let events = greeter.submit(decided(track, "Alice"), at: at(Double(track), minute: minute))
                #expect(spoken(events).isEmpty)
                guard case .suppressedByQuietHours(let greeting) = events.first else {
                    Issue.record("expected a suppressed greeting at minute \(minute), got \(events)")
                    continue
                }
                #expect(greeting.text == "Welcome Alice")
            }
            #expect(greeter.log.lastGreeted.isEmpty)
            #expect(spoken(greeter.submit(decided(4, "Alice"), at: at(4, minute: 7 * 60))) == ["Welcome Alice"])
        }
    }

    @Test func reconfigureKeepsCooldownsVisitsAndTheGatheredGroup() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir, .init(cooldown: 1800, groupWindow: 1))
            _ = greeter.submit(decided(1, "Alice"), at: at(0))
            _ = greeter.flush(now: at(1))
            _ = greeter.submit(decided(2, "Bob"), at: at(10))

            let quietLater = try QuietHours(parsing: "23:00-06:00")
            greeter.reconfigure(.init(template: "Hi {names}", unknownText: "Hello", cooldown: 3600, groupWindow: 2,
                                      quietHours: quietLater))
            #expect(greeter.settings.template == "Hi {names}")
            #expect(greeter.groupDeadline == 12)
            #expect(spoken(greeter.flush(now: at(12))) == ["Hi Bob"])
            // Alice's cooldown, now an hour, still counts from her greeting before the reload.
            #expect(greeter.submit(decided(3, "Alice"), at: at(2000)) ==
                    [.skipped(trackID: 3, identity: .person("Alice"), reason: .cooldown(lastGreeted: startUnix + 1))])
            #expect(greeter.submit(decided(1, "Alice"), at: at(4000)) ==
                    [.skipped(trackID: 1, identity: .person("Alice"), reason: .alreadyGreetedThisVisit)])
        }
    }

    @Test func corruptStateFileStartsEmptyAndKeepsGreeting() throws {
        try withTemporaryStateDirectory { dir in
            try "not json".write(toFile: dir + "/greetings.json", atomically: false, encoding: .utf8)
            let (log, error) = GreetingLog.load(stateDirectory: dir)
            #expect(error == .corrupt(path: dir + "/greetings.json", reason: "not valid JSON"))
            var greeter = GreetingPolicy(settings: .init(groupWindow: 0), log: log)
            #expect(spoken(greeter.submit(decided(1, "Alice"), at: at(0))) == ["Welcome Alice"])
            #expect(GreetingLog.load(stateDirectory: dir).0.lastGreeted == [.person("Alice"): startUnix])
        }
    }

    @Test func failingToSaveStillSpeaks() throws {
        try withTemporaryStateDirectory { dir in
            var greeter = policy(in: dir + "/missing", .init(groupWindow: 0))
            let events = greeter.submit(decided(1, "Alice"), at: at(0))
            #expect(spoken(events) == ["Welcome Alice"])
            guard case .notSaved(let error) = events.last else {
                Issue.record("expected a save error, got \(events)")
                return
            }
            #expect(error.description.contains(dir + "/missing/greetings.json"))
        }
    }
}
