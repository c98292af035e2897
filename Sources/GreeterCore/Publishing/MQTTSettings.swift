import Foundation

/// The `[mqtt]` section resolved for one run: the device id and topic prefix filled in, the topics spelled out.
public struct MQTTSettings: Sendable, Equatable {
    public let host: String
    public let port: Int
    public let deviceID: String
    public let username: String?
    public let passwordFile: String?
    public let tls: TLS?
    public let prefix: String
    /// nil: no Home Assistant discovery.
    public let discoveryPrefix: String?
    public let publishFaces: Bool
    /// Seconds.
    public let presenceTimeout: Double

    public struct TLS: Sendable, Equatable {
        public let caFile: String
        public let certFile: String?
        public let keyFile: String?
    }

    /// nil when MQTT is off.
    public init?(_ config: Config.MQTT, hostName: String = ProcessInfo.processInfo.hostName) {
        guard config.enabled else { return nil }
        host = config.host
        port = config.port
        deviceID = config.deviceId.isEmpty ? MQTTNames.deviceID(fromHostName: hostName) : config.deviceId
        username = config.username.isEmpty ? nil : config.username
        passwordFile = config.passwordFile.isEmpty ? nil : config.passwordFile
        tls = config.caFile.isEmpty ? nil : TLS(caFile: config.caFile,
                                                certFile: config.certFile.isEmpty ? nil : config.certFile,
                                                keyFile: config.keyFile.isEmpty ? nil : config.keyFile)
        prefix = config.topicPrefix.isEmpty ? "door-greeter/\(deviceID)" : config.topicPrefix
        discoveryPrefix = config.discovery ? config.discoveryPrefix : nil
        publishFaces = config.publishFaces
        presenceTimeout = config.presenceTimeoutMinutes * 60
    }

    public var availabilityTopic: String { prefix + "/availability" }
    public var greetingTopic: String { prefix + "/greeting" }
    public var visitorTopic: String { prefix + "/visitor" }
    public var visitorImageTopic: String { prefix + "/visitor/image" }
    public var stateTopic: String { prefix + "/state" }
    public var muteCommandTopic: String { prefix + "/mute/set" }
    public func personTopic(_ name: String) -> String { prefix + "/person/" + MQTTNames.slug(name) }
    /// Home Assistant says `online` here when it (re)starts: discovery is announced again.
    public var homeAssistantStatusTopic: String? { discoveryPrefix.map { $0 + "/status" } }
    public var broker: String { "\(host):\(port)" }
}
