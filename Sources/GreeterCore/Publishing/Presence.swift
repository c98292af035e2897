/// Who is home: a person is home from a recognition until `timeout` seconds after the last one. Monotonic
/// time, so a clock change does not send everyone away; nobody is home after a restart until seen again.
struct Presence {
    private(set) var lastSeen: [String: Double] = [:]

    func isHome(_ name: String) -> Bool { lastSeen[name] != nil }

    /// Returns true when the person was not home before.
    mutating func seen(_ name: String, at time: Double) -> Bool {
        lastSeen.updateValue(time, forKey: name) == nil
    }

    /// The people whose timeout ran out, now not home.
    mutating func expire(now: Double, timeout: Double) -> [String] {
        let gone = lastSeen.filter { now - $0.value >= timeout }.keys.sorted()
        for name in gone { lastSeen[name] = nil }
        return gone
    }

    mutating func forget(_ name: String) { lastSeen[name] = nil }
}
