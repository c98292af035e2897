import Foundation
import GreeterCore
import Testing

/// The daemon publishing to a real mosquitto on a loopback port, watched with a real `mosquitto_sub`.
extension DaemonEndToEndTests {
    static func mqttConfig(_ broker: MosquittoBroker, device: String, extra: String = "") -> String {
        """
        [greeting]
        cooldown_minutes = 0
        [mqtt]
        enabled = true
        host = "127.0.0.1"
        port = \(broker.port)
        device_id = "\(device)"
        \(extra)
        """
    }

    @Test func mqttOnlineGreetingPresenceVisitorDiscoveryThenOfflineOnStop() async throws {
        let broker = try MosquittoBroker()
        try await broker.start()
        let sub = try await MQTTSubscriber(broker: broker, topics: ["door-greeter/front/#", "homeassistant/#"])
        let images = try await MQTTSubscriber(broker: broker, topics: ["door-greeter/front/visitor/image"], hex: true)
        let daemon = try await DaemonUnderTest.start(
            photos: Self.everyone, config: Self.mqttConfig(broker, device: "front", extra: "publish_faces = true"),
            loop: true)
        let prefix = "door-greeter/front"

        let online = try await sub.waitFor("\(prefix)/availability", daemon: daemon) { $0 == "online" }
        let greeting = try await sub.waitFor("\(prefix)/greeting", from: online.index, daemon: daemon) {
            $0.contains("Lin Manuel Miranda")
        }
        let event = try MQTTSubscriber.json(greeting.message.payload)
        #expect(event["event_type"] as? String == "greeted")
        #expect(event["names"] as? [String] == ["Lin Manuel Miranda"])
        let person = try #require((event["people"] as? [[String: Any]])?.first)
        #expect((person["distance"] as? Double).map { (0..<1.0).contains($0) } == true, "\(person)")
        #expect((person["ms_from_first_frame"] as? Int).map { $0 > 0 } == true, "\(person)")
        // The sequential rule names a face after one to K (3) agreeing looks, depending on how close they are.
        #expect((person["votes"] as? Int).map { (1...3).contains($0) } == true, "\(person)")
        #expect(event["time"] is String)
        try await sub.waitFor("\(prefix)/person/lin_manuel_miranda", daemon: daemon) { $0 == "home" }
        // Nobody is "home" from an earlier run: everyone starts not_home.
        for slug in ["obama", "biden", "alex_lacamoire"] {
            #expect(sub.messages.contains { $0.topic == "\(prefix)/person/\(slug)" && $0.payload == "not_home" })
        }
        let state = try await sub.waitFor("\(prefix)/state", daemon: daemon) { $0.contains("last_greeting") }
        let stateJSON = try MQTTSubscriber.json(state.message.payload)
        #expect(stateJSON["gallery_people"] as? Int == 4)
        #expect(stateJSON["camera_connected"] as? Bool == true)
        #expect(stateJSON["muted"] as? Bool == false)

        // The crowd at the end of the clip holds faces it does not know: a visitor, with best guess, distance
        // and the face as a JPEG.
        let visitor = try await sub.waitFor("\(prefix)/visitor", daemon: daemon)
        let seen = try MQTTSubscriber.json(visitor.message.payload)
        #expect(["unknown", "ambiguous"].contains(seen["verdict"] as? String) && seen["distance"] is Double, "\(seen)")
        #expect(seen["best_guess"] is String && seen["image"] as? Bool == true, "\(seen)")
        let image = try await images.waitFor("\(prefix)/visitor/image", daemon: daemon)
        #expect(image.message.payload.hasPrefix("ffd8ff"), "not a JPEG: \(image.message.payload.prefix(16))")

        // A clean stop says offline.
        try await Self.expectCleanStop(daemon)
        let offline = try await sub.waitFor("\(prefix)/availability", from: online.index, daemon: nil) { $0 == "offline" }
        #expect(offline.index > greeting.index)

        // What the broker kept (a subscriber that comes now gets only retained messages): availability,
        // presence, state and discovery, and no greeting, which is an event.
        let late = try await MQTTSubscriber(broker: broker, topics: ["\(prefix)/#", "homeassistant/#"])
        try await late.waitFor("\(prefix)/availability", daemon: nil) { $0 == "offline" }
        try await late.waitFor("\(prefix)/person/lin_manuel_miranda", daemon: nil) { $0 == "home" }
        try await late.waitFor("\(prefix)/state", daemon: nil) { $0.contains("Welcome Lin Manuel Miranda") }
        try await late.waitFor("homeassistant/device_tracker/front/obama/config", daemon: nil)
        let kept = late.messages.filter { !$0.topic.hasPrefix("probe/") }
        #expect(kept.allSatisfy { $0.retained })
        #expect(!kept.contains { $0.topic == "\(prefix)/greeting" })

        // Discovery: one retained config per entity, each parseable and complete for Home Assistant.
        let configs = kept.filter { $0.topic.hasPrefix("homeassistant/") && $0.topic.hasSuffix("/config") && !$0.payload.isEmpty }
        let byTopic = Dictionary(configs.map { ($0.topic, $0) }) { first, _ in first }
        for name in ["event/front/greeting", "sensor/front/last_visitor", "switch/front/mute",
                     "device_tracker/front/lin_manuel_miranda", "device_tracker/front/obama"] {
            #expect(byTopic["homeassistant/\(name)/config"] != nil, "no discovery for \(name): \(byTopic.keys.sorted())")
        }
        #expect(byTopic["homeassistant/camera/front/last_visitor_face/config"] != nil, "a camera with publish_faces")
        var uniqueIDs: Set<String> = []
        for message in byTopic.values {
            let config = try MQTTSubscriber.json(message.payload)
            let uniqueID = try #require(config["unique_id"] as? String, "\(message.topic)")
            uniqueIDs.insert(uniqueID)
            let device = try #require(config["device"] as? [String: Any], "\(message.topic)")
            #expect(device["identifiers"] as? [String] == ["door-greeter_front"])
            let availability = try #require(config["availability"] as? [[String: Any]], "\(message.topic)")
            #expect(availability.first?["topic"] as? String == "\(prefix)/availability")
            #expect(((config["state_topic"] ?? config["topic"]) as? String)?.hasPrefix(prefix) == true, "\(message.topic)")
        }
        #expect(uniqueIDs.count == byTopic.count, "unique_id repeated")
        let eventConfig = try MQTTSubscriber.json(try #require(byTopic["homeassistant/event/front/greeting/config"]).payload)
        #expect(eventConfig["event_types"] as? [String] == ["greeted"])
        #expect(eventConfig["state_topic"] as? String == "\(prefix)/greeting")
    }

    @Test func mqttKillNineLeavesTheLastWill() async throws {
        let broker = try MosquittoBroker()
        try await broker.start()
        let sub = try await MQTTSubscriber(broker: broker, topics: ["door-greeter/will/availability"])
        let daemon = try await DaemonUnderTest.start(
            photos: ["obama.jpg"], config: Self.mqttConfig(broker, device: "will"), loop: true)
        let online = try await sub.waitFor("door-greeter/will/availability", daemon: daemon) { $0 == "online" }
        daemon.send(SIGKILL)
        let will = try await sub.waitFor("door-greeter/will/availability", from: online.index + 1, daemon: nil)
        #expect(will.message.payload == "offline")
        // The broker keeps the will: whoever looks later sees the door offline.
        let late = try await MQTTSubscriber(broker: broker, topics: ["door-greeter/will/availability"])
        let kept = try await late.waitFor("door-greeter/will/availability", daemon: nil)
        #expect(kept.message.payload == "offline" && kept.message.retained)
    }

    @Test func mqttBrokerRestartReconnectsResendsStateRecognitionGoesOnThenMuted() async throws {
        let broker = try MosquittoBroker()
        try await broker.start()
        let prefix = "door-greeter/door"
        var sub = try await MQTTSubscriber(broker: broker, topics: ["\(prefix)/#"])
        let daemon = try await DaemonUnderTest.start(
            photos: Self.everyone, config: Self.mqttConfig(broker, device: "door"), loop: true)
        try await sub.waitFor("\(prefix)/person/lin_manuel_miranda", daemon: daemon) { $0 == "home" }

        broker.stop()
        let away = try await daemon.waitForLine("one warning that the broker went away") {
            $0.contains("mqtt: broker 127.0.0.1:\(broker.port) went away")
        }
        // Recognition goes on without the broker: the next pass of the clip greets him again.
        let greetedMeanwhile = try await daemon.waitForLine("a greeting while the broker is away", from: away) {
            $0.contains("greeted: \"\(Self.linManuel)\"")
        }
        try await broker.start()
        sub = try await MQTTSubscriber(broker: broker, topics: ["\(prefix)/#"])
        let back = try await daemon.waitForLine("one notice that the broker is back", from: greetedMeanwhile) {
            $0.contains("mqtt: broker 127.0.0.1:\(broker.port) is back")
        }
        #expect(daemon.log[away..<back].filter { $0.contains("mqtt:") }.count == 1,
                "one warning while the broker was away:\n\(daemon.log[away...back].joined(separator: "\n"))")
        // The greeting said while the broker was away was kept and delivered.
        try await sub.waitFor("\(prefix)/greeting", daemon: daemon) { $0.contains("Lin Manuel Miranda") }
        // The restarted broker knew nothing: what it keeps now, the daemon sent again.
        let late = try await MQTTSubscriber(broker: broker, topics: ["\(prefix)/#"])
        try await late.waitFor("\(prefix)/availability", daemon: daemon) { $0 == "online" }
        try await late.waitFor("\(prefix)/state", daemon: daemon) { $0.contains("Welcome Lin Manuel Miranda") }
        try await late.waitFor("\(prefix)/person/lin_manuel_miranda", daemon: daemon) { $0 == "home" }
        try await late.waitFor("\(prefix)/person/obama", daemon: daemon)
        // Retained messages come first on subscribing; later ones may be live updates.
        for topic in ["availability", "state", "person/lin_manuel_miranda", "person/obama"] {
            #expect(late.messages.first { $0.topic == "\(prefix)/\(topic)" }?.retained == true, "\(topic)")
        }

        // Muted, it goes on recognising and greeting, silently; its state says so, the journal too, and it
        // remembers (a 0600 file in its state folder).
        let before = sub.messages.count
        try broker.publish("\(prefix)/mute/set", "ON")
        try await sub.waitFor("\(prefix)/state", from: before, daemon: daemon) { $0.contains("\"muted\":true") }
        let muted = try await daemon.waitForLine("the mute in the journal") { $0.contains("speech muted (MQTT)") }
        let file = "\(daemon.state)/\(MuteSwitch.fileName)"
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "on\n")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let wavs = try FileManager.default.contentsOfDirectory(atPath: daemon.wavDirectory).count
        let greetedMuted = try await daemon.waitForLine("a greeting while muted", from: muted) {
            $0.contains("greeted: \"\(Self.linManuel)\"")
        }
        #expect(daemon.log[greetedMuted].contains("speech_s=0.00") && !daemon.log[greetedMuted].contains("wav="))
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.wavDirectory).count == wavs)
        try await Self.expectCleanStop(daemon)
        try await sub.waitFor("\(prefix)/availability", daemon: nil) { $0 == "offline" }
    }

    @Test func mqttTwoDoorsOnOneBrokerKeepTheirOwnTopicsAndFollowGalleryAndReload() async throws {
        let broker = try MosquittoBroker()
        try await broker.start()
        let sub = try await MQTTSubscriber(broker: broker, topics: ["door-greeter/#", "homeassistant/#"])
        let front = try await DaemonUnderTest.start(
            photos: ["obama.jpg", "lin-manuel-miranda.png"], config: Self.mqttConfig(broker, device: "front"), loop: true)
        let back = try await DaemonUnderTest.start(
            photos: ["biden.jpg", "obama.jpg"], config: Self.mqttConfig(broker, device: "back"), loop: true)
        try await sub.waitFor("door-greeter/front/availability", daemon: front) { $0 == "online" }
        try await sub.waitFor("door-greeter/back/availability", daemon: back) { $0 == "online" }
        try await sub.waitFor("homeassistant/device_tracker/front/lin_manuel_miranda/config", daemon: front)
        try await sub.waitFor("homeassistant/device_tracker/back/biden/config", daemon: back)
        #expect(!sub.messages.contains { $0.topic == "homeassistant/device_tracker/back/lin_manuel_miranda/config" })
        #expect(!sub.messages.contains { $0.topic == "door-greeter/back/person/lin_manuel_miranda" })
        func uniqueIDs(_ door: String) -> Set<String> {
            Set(sub.messages.filter { $0.topic.hasPrefix("homeassistant/") && $0.topic.contains("/\(door)/") }
                .compactMap { try? MQTTSubscriber.json($0.payload)["unique_id"] as? String })
        }
        #expect(!uniqueIDs("front").isEmpty && uniqueIDs("front").isDisjoint(with: uniqueIDs("back")))

        // Each door's mute is its own.
        let before = sub.messages.count
        try broker.publish("door-greeter/front/mute/set", "ON")
        try await sub.waitFor("door-greeter/front/state", from: before, daemon: front) { $0.contains("\"muted\":true") }
        #expect(!sub.messages.dropFirst(before).contains { $0.topic == "door-greeter/back/state" && $0.payload.contains("\"muted\":true") })
        #expect(!FileManager.default.fileExists(atPath: "\(back.state)/\(MuteSwitch.fileName)"))

        // Home Assistant restarts: both doors announce themselves again.
        let restart = sub.messages.count
        try broker.publish("homeassistant/status", "online")
        try await sub.waitFor("homeassistant/event/front/greeting/config", from: restart, daemon: front)
        try await sub.waitFor("homeassistant/event/back/greeting/config", from: restart, daemon: back)

        // A photo removed from back's gallery: its person topic and entity are deleted (empty retained payloads).
        let removal = sub.messages.count
        try FileManager.default.removeItem(atPath: "\(back.gallery)/biden.jpg")
        try await sub.waitFor("homeassistant/device_tracker/back/biden/config", from: removal, daemon: back) { $0.isEmpty }
        try await sub.waitFor("door-greeter/back/person/biden", from: removal, daemon: back) { $0.isEmpty }

        // A reload with another device id reconnects: the old name goes offline, the new one comes online.
        try back.writeConfig(Self.mqttConfig(broker, device: "side"))
        back.send(SIGHUP)
        try await sub.waitFor("door-greeter/back/availability", from: removal, daemon: back) { $0 == "offline" }
        try await sub.waitFor("door-greeter/side/availability", daemon: back) { $0 == "online" }

        try await Self.expectCleanStop(front)
        try await Self.expectCleanStop(back)
    }

    @Test func mqttWrongPasswordIsOneClearLineAndAReloadWithTheRightOneConnects() async throws {
        let broker = try MosquittoBroker(user: ("door", "right horse battery"))
        broker.login = ["-u", "door", "-P", "right horse battery"]
        try await broker.start()
        let sub = try await MQTTSubscriber(broker: broker, topics: ["door-greeter/pw/availability"])
        let passwordFile = try TestPaths.scratchDirectory("password") + "/mqtt-password"
        defer { try? FileManager.default.removeItem(atPath: (passwordFile as NSString).deletingLastPathComponent) }
        try "wrong\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let daemon = try await DaemonUnderTest.start(
            photos: ["obama.jpg"],
            config: Self.mqttConfig(broker, device: "pw", extra: "username = \"door\"\npassword_file = \"\(passwordFile)\""),
            loop: true)
        let refused = try await daemon.waitForLine("the refusal") { $0.contains("refused the connection") }
        #expect(daemon.log[refused].contains("not authorised") && daemon.log[refused].contains("mqtt.password_file"),
                "\(daemon.log[refused])")
        // It keeps trying with backoff, and says so only once.
        try await daemon.waitUntil("two more refusals in the broker's log") {
            broker.logText.components(separatedBy: "not authorised").count > 3
        }
        #expect(daemon.log.filter { $0.contains("mqtt:") && $0.contains("refused") }.count == 1, "\(daemon.logTail)")

        try "right horse battery\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        daemon.send(SIGHUP)
        try await daemon.waitForLine("connected", from: refused) { $0.contains("mqtt: connected to") }
        try await sub.waitFor("door-greeter/pw/availability", daemon: daemon) { $0 == "online" }
        try await Self.expectCleanStop(daemon)
    }

    @Test func mqttTLSAgainstAPlainBrokerIsOneClearLine() async throws {
        let broker = try MosquittoBroker()
        try await broker.start()
        let ca = try TestPaths.required("/etc/ssl/certs/ca-certificates.crt")
        let daemon = try await DaemonUnderTest.start(
            photos: ["obama.jpg"], config: Self.mqttConfig(broker, device: "tls", extra: "ca_file = \"\(ca)\""),
            loop: true)
        let line = try await daemon.waitForLine("the TLS failure") { $0.contains("TLS handshake failed") }
        #expect(daemon.log[line].contains("127.0.0.1:\(broker.port)") && daemon.log[line].contains("retrying"))
        try await daemon.waitUntil("two more attempts in the broker's log") {
            broker.logText.components(separatedBy: "New connection from 127.0.0.1").count > 3
        }
        #expect(daemon.log.filter { $0.contains("mqtt: broker") }.count == 1, "\(daemon.logTail)")
        try await Self.expectCleanStop(daemon)
    }
}
