import Foundation
import Testing

@testable import GreeterCore

/// The `[mqtt]` section: read, checked like every other section, and resolved into topics.
@Suite struct MQTTConfigTests {
    @Test func readsTheSectionAndResolvesDeviceAndTopics() throws {
        let config = try Config.parse(
            """
            [mqtt]
            enabled = true
            host = "192.168.1.10"
            port = 8883
            username = "door"
            password_file = "/etc/door-greeter/mqtt-password"
            ca_file = "/etc/ssl/certs/broker-ca.pem"
            publish_faces = true
            presence_timeout_minutes = 5
            """, source: "test.toml")
        let settings = try #require(MQTTSettings(config.mqtt, hostName: "Front-Door.lan"))
        #expect(settings.deviceID == "front-door")
        #expect(settings.prefix == "door-greeter/front-door")
        #expect(settings.personTopic("Mary Jane Smith") == "door-greeter/front-door/person/mary_jane_smith")
        #expect(settings.tls == MQTTSettings.TLS(caFile: "/etc/ssl/certs/broker-ca.pem", certFile: nil, keyFile: nil))
        #expect(settings.passwordFile == "/etc/door-greeter/mqtt-password")
        #expect(settings.presenceTimeout == 300)
        #expect(settings.homeAssistantStatusTopic == "homeassistant/status")
        #expect(MQTTSettings(Config().mqtt) == nil, "off by default")
    }

    @Test func everyProblemOfTheSectionAtOnce() {
        do {
            _ = try Config.parse(
                """
                [mqtt]
                enabled = "yes"
                host = "broker one"
                port = 70000
                device_id = "front door"
                password_file = "secret.txt"
                cert_file = "/etc/door-greeter/client.pem"
                topic_prefix = "doors/#"
                discovery_prefix = "/homeassistant"
                presence_timeout_minutes = 0
                tls = true
                """, source: "test.toml")
            Issue.record("parsed")
        } catch {
            let byKey = Dictionary(error.problems.map { ($0.key ?? "", $0.description) }) { $0 + " | " + $1 }
            #expect(byKey["mqtt.enabled"]?.contains("true or false") == true)
            #expect(byKey["mqtt.host"]?.contains("mqtt.host = \"broker one\": not a host name") == true)
            #expect(byKey["mqtt.port"]?.contains("1...65535") == true)
            #expect(byKey["mqtt.device_id"]?.contains("letters, digits, '_' and '-'") == true)
            #expect(byKey["mqtt.password_file"]?.contains("not absolute") == true)
            #expect(byKey["mqtt.cert_file"]?.contains("without mqtt.key_file") == true)
            #expect(byKey["mqtt.topic_prefix"]?.contains("without '+', '#'") == true)
            #expect(byKey["mqtt.discovery_prefix"]?.contains("not a topic prefix") == true)
            #expect(byKey["mqtt.presence_timeout_minutes"]?.contains("out of range") == true)
            #expect(byKey["mqtt.tls"] != nil, "unknown key")
            #expect(error.problems.count == 10, "\(error)")
            #expect(error.problems.allSatisfy { $0.line != nil })
        }
    }

    @Test func aClientCertificateNeedsACA() {
        #expect(throws: ConfigError.self) {
            try Config.parse("[mqtt]\ncert_file = \"/c.pem\"\nkey_file = \"/k.pem\"\n", source: "t.toml")
        }
        #expect(throws: Never.self) {
            try Config.parse("[mqtt]\nca_file = \"/ca.pem\"\ncert_file = \"/c.pem\"\nkey_file = \"/k.pem\"\n", source: "t.toml")
        }
    }

    @Test func namesForTopicsAndIDs() {
        #expect(MQTTNames.slug("Lin Manuel Miranda") == "lin_manuel_miranda")
        #expect(MQTTNames.slug("mary-jane_smith") == "mary_jane_smith")
        #expect(MQTTNames.slug("+#/") == "person")
        #expect(MQTTNames.deviceID(fromHostName: "") == "door-greeter")
        #expect(MQTTNames.isTopicPrefix("a/b") && !MQTTNames.isTopicPrefix("a//b") && !MQTTNames.isTopicPrefix("a/"))
        #expect(MQTTNames.isHost("::1") && MQTTNames.isHost("broker.lan") && !MQTTNames.isHost("a b"))
    }

    @Test func presenceEndsAfterTheTimeoutFromTheLastSighting() {
        var presence = Presence()
        let arrived = presence.seen("Ann", at: 0)
        let again = presence.seen("Ann", at: 50)
        #expect(arrived && !again, "home once")
        let early = presence.expire(now: 100, timeout: 60)
        #expect(early.isEmpty, "the timeout counts from the last sighting")
        let gone = presence.expire(now: 110, timeout: 60)
        #expect(gone == ["Ann"])
        #expect(!presence.isHome("Ann"))
    }
}
