import Dispatch
import Foundation
import Logging

/// Publishes what happens at the door to an MQTT broker, for Home Assistant: availability, greetings, unknown
/// visitors, per-person presence, the greeter's state and discovery; takes the mute switch's commands.
///
/// Everything runs on its own serial queue and the network on the client's thread, so the pipeline's calls
/// return at once whatever the broker does. While the broker is away, greetings wait in a bounded outbox
/// (the oldest dropped and counted); retained topics are simply published again on reconnect.
public final class MQTTPublisher: DoorEventListener, Sendable {
    /// Greetings kept while the broker is away.
    public static let outboxCapacity = 100

    private let queue = DispatchQueue(label: "door-greeter.mqtt")
    private let mute: MuteSwitch
    private let logger: Logger
    // Touched only on `queue`.
    private nonisolated(unsafe) var settings: MQTTSettings?
    private nonisolated(unsafe) var client: MosquittoClient?
    /// The password the client logged in with, to notice a changed password file on a reload.
    private nonisolated(unsafe) var password: String?
    private nonisolated(unsafe) var connected = false
    /// A problem with the broker was logged and its end is not yet.
    private nonisolated(unsafe) var troubleReported = false
    private nonisolated(unsafe) var outbox: [(topic: String, payload: [UInt8])] = []
    private nonisolated(unsafe) var dropped = 0
    private nonisolated(unsafe) var people: [String] = []
    private nonisolated(unsafe) var presence = Presence()
    private nonisolated(unsafe) var cameraConnected = false
    private nonisolated(unsafe) var lastGreeting: MQTTPayloads.StatePayload.LastGreeting?
    private nonisolated(unsafe) var lastVisitor: (payload: [UInt8], image: [UInt8]?)?
    private nonisolated(unsafe) var timer: DispatchSourceTimer?

    /// `settings` nil: MQTT is off and every call does nothing until a reload turns it on.
    public init(settings: MQTTSettings?, mute: MuteSwitch, logger: Logger) {
        self.mute = mute
        self.logger = logger
        queue.async { [self] in
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { [unowned self] in expirePresence() }
            timer.resume()
            self.timer = timer
            connect(settings)
        }
    }

    /// A reload: new settings or a new password reconnect (the old connection says `offline` first);
    /// unchanged ones do nothing.
    public func apply(_ new: MQTTSettings?) {
        queue.async { [self] in
            guard new != settings || (new?.passwordFile != nil && (try? Self.readPassword(new)) != password) else { return }
            disconnect()
            connect(new)
        }
    }

    /// The gallery's people after a rescan: presence and discovery follow it.
    public func galleryChanged(people new: [String]) {
        queue.async { [self] in
            let removed = Set(people).subtracting(new)
            people = new.sorted()
            for name in removed.sorted() {
                presence.forget(name)
                guard connected, let settings else { continue }
                // Empty retained payloads remove the topic from the broker and the entity from Home Assistant.
                client?.publish(settings.personTopic(name), [], retain: true)
                if let discovery { client?.publish(discovery.removal(of: name).topic, [], retain: true) }
            }
            publishPeople()
            publishState()
        }
    }

    public func cameraConnected(_ isConnected: Bool) {
        queue.async { [self] in
            guard isConnected != cameraConnected else { return }
            cameraConnected = isConnected
            publishState()
        }
    }

    /// At shutdown: `offline` (retained), then a clean disconnect.
    public func stop() {
        queue.sync { [self] in
            timer?.cancel()
            disconnect()
        }
    }

    // MARK: DoorEventListener

    public func decided(_ face: DecidedFace) {
        queue.async { [self] in
            guard let settings else { return }
            switch face.decision.identity {
            case .person(let name):
                if presence.seen(name, at: MonotonicClock.now()) { publishPresence(name) }
            case .unknown:
                let image = settings.publishFaces ? crop(face) : nil
                lastVisitor = (MQTTPayloads.encode(MQTTPayloads.visitor(face, image: image != nil)), image)
                publishVisitor()
            }
        }
    }

    public func greeted(_ spoken: SpokenGreeting) {
        queue.async { [self] in
            guard let settings else { return }
            lastGreeting = .init(text: spoken.greeting.text, names: spoken.greeting.names,
                                 time: MQTTPayloads.timestamp(spoken.time))
            let payload = MQTTPayloads.encode(MQTTPayloads.greeting(spoken))
            if !(connected && client?.publish(settings.greetingTopic, payload, retain: false) == true) {
                if outbox.count >= Self.outboxCapacity {
                    outbox.removeFirst()
                    dropped += 1
                }
                outbox.append((settings.greetingTopic, payload))
            }
            publishState()
        }
    }

    // MARK: Connection

    private func connect(_ new: MQTTSettings?) {
        settings = new
        guard let new else { return }
        // Files named in the config are read here, so that a missing one is named in words rather than as
        // libmosquitto's "invalid function arguments".
        let files = [("password_file", new.passwordFile), ("ca_file", new.tls?.caFile),
                     ("cert_file", new.tls?.certFile), ("key_file", new.tls?.keyFile)]
        for case let (key, path?) in files {
            do throws(SystemError) { _ = try FileBytes.read(path) } catch {
                return logger.error("mqtt.\(key) \(path): cannot read it (\(String(cString: strerror(error.code)))); not connecting to \(new.broker)")
            }
        }
        password = try? Self.readPassword(new)
        do {
            let client = try MosquittoClient(
                clientID: "door-greeter-\(new.deviceID)", will: (new.availabilityTopic, "offline"),
                login: .init(username: new.username, password: password), tls: new.tls
            ) { [weak self] event in
                guard let self else { return }
                queue.async { self.handle(event, from: new) }
            }
            self.client = client
            client.start(host: new.host, port: new.port)
            logger.info("mqtt: connecting to \(new.broker) as \(new.deviceID), topics \(new.prefix)/…")
        } catch {
            logger.error("mqtt: \(error); not connecting to \(new.broker)")
        }
    }

    /// The first line of the password file, without its newline: what `echo secret > file` writes.
    private static func readPassword(_ settings: MQTTSettings?) throws(SystemError) -> String? {
        guard let file = settings?.passwordFile else { return nil }
        return String(decoding: try FileBytes.read(file).prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    private func disconnect() {
        guard let client, let settings else { return }
        client.stop(lastWords: connected ? (settings.availabilityTopic, "offline") : nil, timeout: 2)
        self.client = nil
        connected = false
        troubleReported = false
    }

    private func handle(_ event: MosquittoClient.Event, from origin: MQTTSettings) {
        guard origin == settings, let settings else { return }  // an event of a connection replaced meanwhile
        switch event {
        case .connected:
            connected = true
            if troubleReported {
                logger.notice("mqtt: broker \(settings.broker) is back; re-sending state\(outbox.isEmpty ? "" : " and \(outbox.count) greetings")\(dropped > 0 ? ", \(dropped) greetings dropped while it was away" : "")")
            } else {
                logger.notice("mqtt: connected to \(settings.broker) as \(settings.deviceID)")
            }
            troubleReported = false
            announce()
        case .refused(let reason):
            connected = false
            guard !troubleReported else { return }
            troubleReported = true
            logger.error("mqtt: broker \(settings.broker) refused the connection: \(reason) (check mqtt.username and mqtt.password_file); retrying with backoff")
        case .down(let reason):
            let wasConnected = connected
            connected = false
            guard !troubleReported else { return }
            troubleReported = true
            logger.warning("mqtt: broker \(settings.broker) \(wasConnected ? "went away" : "unreachable"): \(reason); retrying with backoff, keeping the last \(Self.outboxCapacity) greetings")
        case .message(let topic, let payload):
            received(topic, String(decoding: payload, as: UTF8.self))
        }
    }

    /// On every (re)connect and when Home Assistant restarts: everything retained, then what waited.
    private func announce() {
        guard let client, let settings else { return }
        client.publish(settings.availabilityTopic, Array("online".utf8), retain: true)
        client.subscribe(settings.muteCommandTopic)
        if let status = settings.homeAssistantStatusTopic { client.subscribe(status) }
        if let discovery {
            for entity in discovery.fixedEntities() { client.publish(entity.topic, entity.payload, retain: true) }
        }
        publishPeople()
        publishState()
        publishVisitor()
        for message in outbox { client.publish(message.topic, message.payload, retain: false) }
        outbox = []
    }

    private func received(_ topic: String, _ text: String) {
        guard let settings else { return }
        let word = text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if topic == settings.homeAssistantStatusTopic {
            if word == "ONLINE" { announce() }
        } else if topic == settings.muteCommandTopic {
            guard word == "ON" || word == "OFF" else {
                return logger.warning("mqtt: \(topic): ignored \"\(text.prefix(40))\", expected ON or OFF")
            }
            do {
                if try mute.set(word == "ON") {
                    logger.notice(word == "ON" ? "speech muted (MQTT): recognising and publishing, not speaking"
                                               : "speech unmuted (MQTT)")
                }
            } catch {
                logger.error("speech \(word == "ON" ? "muted" : "unmuted") (MQTT), but not remembered for the next start: \(error)")
            }
            publishState()
        }
    }

    // MARK: Topics

    private var discovery: HomeAssistantDiscovery? {
        guard let settings, let prefix = settings.discoveryPrefix else { return nil }
        return HomeAssistantDiscovery(settings: settings, discoveryPrefix: prefix)
    }

    private func publishPeople() {
        for name in people {
            if let discovery {
                let entity = discovery.person(name)
                publishIfConnected(entity.topic, entity.payload, retain: true)
            }
            publishPresence(name)
        }
    }

    private func publishPresence(_ name: String) {
        guard let settings else { return }
        publishIfConnected(settings.personTopic(name), Array((presence.isHome(name) ? "home" : "not_home").utf8),
                           retain: true)
    }

    private func publishState() {
        guard let settings else { return }
        let state = MQTTPayloads.StatePayload(galleryPeople: people.count, cameraConnected: cameraConnected,
                                              muted: mute.isMuted, lastGreeting: lastGreeting, eventsDropped: dropped)
        publishIfConnected(settings.stateTopic, MQTTPayloads.encode(state), retain: true)
    }

    private func publishVisitor() {
        guard let settings, let lastVisitor else { return }
        publishIfConnected(settings.visitorTopic, lastVisitor.payload, retain: true)
        if let image = lastVisitor.image { publishIfConnected(settings.visitorImageTopic, image, retain: true) }
    }

    /// Retained topics need no outbox: `announce` publishes their latest value on reconnect.
    private func publishIfConnected(_ topic: String, _ payload: [UInt8], retain: Bool) {
        guard connected else { return }
        client?.publish(topic, payload, retain: retain)
    }

    private func expirePresence() {
        guard let settings else { return }
        for name in presence.expire(now: MonotonicClock.now(), timeout: settings.presenceTimeout) {
            publishPresence(name)
        }
    }

    /// The face with a margin, as JPEG; nil (and a log line) if it cannot be made.
    private func crop(_ face: DecidedFace) -> [UInt8]? {
        do {
            return try ImageFile.jpeg(try face.frame.square(around: face.box, faces: 1.5, sides: 1...256))
        } catch {
            logger.warning("mqtt: cannot make the visitor's face image: \(error)")
            return nil
        }
    }
}
