import Foundation

/// Home Assistant MQTT discovery: one retained config per entity under
/// `<discovery prefix>/<component>/<device id>/<object id>/config`, all of one device, all available while
/// `…/availability` says `online`. An empty retained payload on a config topic removes that entity.
struct HomeAssistantDiscovery {
    let settings: MQTTSettings
    let discoveryPrefix: String

    struct Entity {
        let topic: String
        let payload: [UInt8]
    }

    /// The entities every greeter has, whatever the gallery: greetings, last visitor, mute, and the camera
    /// for the last unknown face when faces are published (else its config is deleted).
    func fixedEntities() -> [Entity] {
        var entities = [
            entity("event", "greeting", [
                "name": "Greeting", "state_topic": settings.greetingTopic, "event_types": ["greeted"],
                "icon": "mdi:hand-wave",
            ]),
            entity("sensor", "last_visitor", [
                "name": "Last unknown visitor", "state_topic": settings.visitorTopic,
                "value_template": "{{ value_json.time }}", "device_class": "timestamp",
                "json_attributes_topic": settings.visitorTopic, "icon": "mdi:account-question",
            ]),
            entity("sensor", "gallery", [
                "name": "Enrolled people", "state_topic": settings.stateTopic,
                "value_template": "{{ value_json.gallery_people }}", "json_attributes_topic": settings.stateTopic,
                "icon": "mdi:account-group", "entity_category": "diagnostic",
            ]),
            entity("switch", "mute", [
                "name": "Mute", "state_topic": settings.stateTopic, "command_topic": settings.muteCommandTopic,
                "value_template": "{{ 'ON' if value_json.muted else 'OFF' }}", "payload_on": "ON",
                "payload_off": "OFF", "icon": "mdi:volume-off",
            ]),
        ]
        let camera = entity("camera", "last_visitor_face", [
            "name": "Last unknown face", "topic": settings.visitorImageTopic,
        ])
        entities.append(settings.publishFaces ? camera : Entity(topic: camera.topic, payload: []))
        return entities
    }

    /// A presence entity per enrolled person: `home` while recognised within the presence timeout.
    func person(_ name: String) -> Entity {
        entity("device_tracker", MQTTNames.slug(name), [
            "name": name, "state_topic": settings.personTopic(name), "payload_home": "home",
            "payload_not_home": "not_home", "source_type": "router", "icon": "mdi:account",
        ])
    }

    /// The empty retained config that makes Home Assistant forget a person.
    func removal(of name: String) -> Entity {
        Entity(topic: person(name).topic, payload: [])
    }

    private func entity(_ component: String, _ object: String, _ fields: [String: Any]) -> Entity {
        var payload = fields
        payload["unique_id"] = "door-greeter_\(settings.deviceID)_\(object)"
        payload["object_id"] = "door_greeter_\(settings.deviceID)_\(object)".replacingOccurrences(of: "-", with: "_")
        payload["availability"] = [["topic": settings.availabilityTopic]]
        payload["device"] = [
            "identifiers": ["door-greeter_\(settings.deviceID)"], "name": "Door greeter \(settings.deviceID)",
            "manufacturer": "door-greeter", "model": "door-greeter",
        ]
        let bytes = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Entity(topic: "\(discoveryPrefix)/\(component)/\(settings.deviceID)/\(MQTTNames.slug(object))/config",
                      payload: Array(bytes))
    }
}
