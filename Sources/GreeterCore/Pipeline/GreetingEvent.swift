/// What the greeting policy did with a decision or a group: speak, stay silent (and why), or fail to save.
public enum GreetingEvent: Sendable, Equatable {
    public enum SkipReason: Sendable, Equatable {
        /// This track was already greeted (once per visit).
        case alreadyGreetedThisVisit
        /// Another track of the same identity is in the group being gathered.
        case alreadyInGroup
        /// Greeted at `lastGreeted` (Unix seconds), within the cooldown.
        case cooldown(lastGreeted: Double)
        /// The unknown text is empty.
        case unknownNotGreeted
    }

    case speak(Greeting)
    /// Inside quiet hours: nothing was said and no cooldown started.
    case suppressedByQuietHours(Greeting)
    case skipped(trackID: TrackID, identity: Identity, reason: SkipReason)
    /// The greeting was spoken but the cooldown could not be persisted.
    case notSaved(GreetingLogError)
}
