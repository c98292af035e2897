import Foundation
import Logging
import Testing

@testable import GreeterCore

/// The publisher alone against a real broker that is not there at first.
extension DaemonEndToEndTests {
    @Test func mqttOutboxKeepsTheNewestGreetingsAndCountsTheDropped() async throws {
        let broker = try MosquittoBroker()  // not started yet: the publisher finds nobody
        var config = Config.MQTT()
        config.enabled = true
        config.host = "127.0.0.1"
        config.port = broker.port
        config.deviceId = "outbox"
        config.discovery = false
        let state = try TestPaths.scratchDirectory("outbox")
        defer { try? FileManager.default.removeItem(atPath: state) }
        let settings = MQTTSettings(config)
        #expect(settings != nil)
        let publisher = MQTTPublisher(settings: settings,
                                      mute: MuteSwitch(stateDirectory: state), logger: Logger(label: "test"))
        let extra = 5
        for index in 1...(MQTTPublisher.outboxCapacity + extra) {
            publisher.greeted(SpokenGreeting(greeting: Greeting(text: "Welcome \(index)", people: []),
                                             msFromFirstFrame: [], time: Date()))
        }
        try await broker.start()
        // Retained, so whenever this subscriber comes it sees the state the reconnect published.
        let sub = try await MQTTSubscriber(broker: broker, topics: ["door-greeter/outbox/state"])
        let message = try await sub.waitFor("door-greeter/outbox/state", daemon: nil)
        let published = try MQTTSubscriber.json(message.message.payload)
        #expect(published["events_dropped"] as? Int == extra)
        let last = try #require(published["last_greeting"] as? [String: Any])
        #expect(last["text"] as? String == "Welcome \(MQTTPublisher.outboxCapacity + extra)")
        publisher.stop()
    }
}
