import CMosquitto
import Dispatch
import Foundation
import Synchronization

/// One libmosquitto connection on a thread of its own, which connects, runs the network loop and reconnects
/// with exponential backoff (1 s doubling to 30 s). Publishing from any thread only queues the message in
/// libmosquitto, so it never waits for the network.
final class MosquittoClient: @unchecked Sendable {  // the handle is used as libmosquitto's threaded mode allows
    enum Event: Sendable {
        case connected
        /// The broker answered and said no (wrong password, not authorised): retrying will not help by itself.
        case refused(String)
        /// Could not reach the broker, or the connection broke.
        case down(String)
        case message(topic: String, payload: [UInt8])
    }

    struct Login: Sendable {
        var username: String?
        var password: String?
    }

    private static let library: Void = { _ = mosquitto_lib_init() }()
    private let handle: OpaquePointer
    private let onEvent: @Sendable (Event) -> Void
    private let stopping = Atomic(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let backoff = Mutex(1.0)
    /// libmosquitto's last error-level log line (OpenSSL's reason for a failed handshake, for one).
    private let lastLibraryError = Mutex<String?>(nil)

    init(clientID: String, will: (topic: String, payload: String), login: Login, tls: MQTTSettings.TLS?,
         onEvent: @escaping @Sendable (Event) -> Void) throws(MQTTError) {
        _ = Self.library
        guard let handle = mosquitto_new(clientID, true, nil) else { throw MQTTError("cannot create an MQTT client") }
        self.handle = handle
        self.onEvent = onEvent
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_threaded_set(handle, true)
        do throws(MQTTError) {
            try check(mosquitto_will_set(handle, will.topic, Int32(will.payload.utf8.count), will.payload, 1, true),
                      "cannot set the Last Will")
            if login.username != nil || login.password != nil {
                try check(mosquitto_username_pw_set(handle, login.username ?? "", login.password),
                          "cannot set the MQTT user name and password")
            }
            if let tls {
                try check(mosquitto_tls_set(handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil),
                          "TLS files (mqtt.ca_file \(tls.caFile)\(tls.certFile.map { ", mqtt.cert_file \($0)" } ?? ""))")
            }
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        mosquitto_connect_callback_set(handle) { _, context, code in
            MosquittoClient.from(context).connectAnswered(code)
        }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let message = message?.pointee, let topic = message.topic else { return }
            let payload = message.payload.map {
                Array(UnsafeRawBufferPointer(start: $0, count: Int(message.payloadlen)))
            } ?? []
            MosquittoClient.from(context).onEvent(.message(topic: String(cString: topic), payload: payload))
        }
        mosquitto_log_callback_set(handle) { _, context, level, text in
            guard level & Int32(MOSQ_LOG_ERR) != 0, let text else { return }
            MosquittoClient.from(context).lastLibraryError.withLock { $0 = String(cString: text) }
        }
    }

    deinit { mosquitto_destroy(handle) }

    private static func from(_ context: UnsafeMutableRawPointer?) -> MosquittoClient {
        Unmanaged<MosquittoClient>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Starts the connection thread. The client stays alive until `stop` returns.
    func start(host: String, port: Int) {
        let thread = Thread { [self] in run(host: host, port: port) }
        thread.name = "door-greeter.mqtt-net"
        thread.start()
    }

    /// Queues a message; false when libmosquitto refused it (not connected).
    @discardableResult
    func publish(_ topic: String, _ payload: [UInt8], retain: Bool) -> Bool {
        mosquitto_publish(handle, nil, topic, Int32(payload.count), payload, 1, retain) == MOSQ_ERR_SUCCESS.rawValue
    }

    func subscribe(_ topic: String) {
        _ = mosquitto_subscribe(handle, nil, topic, 1)
    }

    /// Sends `lastWords` (retained) if connected, disconnects cleanly and waits up to `timeout` seconds for
    /// the connection thread to end.
    func stop(lastWords: (topic: String, payload: String)?, timeout: Double) {
        stopping.store(true, ordering: .sequentiallyConsistent)
        if let lastWords { publish(lastWords.topic, Array(lastWords.payload.utf8), retain: true) }
        mosquitto_disconnect(handle)
        wake.signal()
        _ = finished.wait(timeout: .now() + timeout)
    }

    private var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    // MARK: The connection thread

    private func run(host: String, port: Int) {
        // The thread keeps the client alive; `stop` waits for it before letting go.
        defer { finished.signal() }
        var everTried = false
        while !isStopping {
            let code = everTried ? mosquitto_reconnect(handle) : mosquitto_connect(handle, host, Int32(port), 30)
            everTried = true
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                down(code)
                continue
            }
            var loop = MOSQ_ERR_SUCCESS.rawValue
            while !isStopping, loop == MOSQ_ERR_SUCCESS.rawValue {
                loop = mosquitto_loop(handle, 500, 1)
            }
            // Let a clean disconnect finish writing the last words before the socket goes.
            if isStopping {
                let deadline = MonotonicClock.now() + 1
                while mosquitto_loop(handle, 100, 1) == MOSQ_ERR_SUCCESS.rawValue, MonotonicClock.now() < deadline {}
                return
            }
            down(loop)
        }
    }

    private func down(_ code: Int32) {
        guard !isStopping else { return }
        if code != MOSQ_ERR_CONN_REFUSED.rawValue, code != MOSQ_ERR_AUTH.rawValue, code != MOSQ_ERR_NOT_SUPPORTED.rawValue {
            onEvent(.down(describe(code)))
        }
        let delay = backoff.withLock { delay -> Double in
            defer { delay = min(delay * 2, 30) }
            return delay
        }
        _ = wake.wait(timeout: .now() + delay)
    }

    private func connectAnswered(_ code: Int32) {
        guard code != 0 else {
            backoff.withLock { $0 = 1 }
            return onEvent(.connected)
        }
        // "Connection Refused: not authorised." → "not authorised"
        let answer = String(cString: mosquitto_connack_string(code))
        let reason = answer.split(separator: ":", maxSplits: 1).last.map(String.init) ?? answer
        onEvent(.refused(reason.trimmingCharacters(in: CharacterSet(charactersIn: " ."))))
    }

    private func describe(_ code: Int32) -> String {
        let errorNumber = errno
        var reason = code == MOSQ_ERR_ERRNO.rawValue
            ? String(cString: strerror(errorNumber)) : String(cString: mosquitto_strerror(code))
        if code == MOSQ_ERR_TLS.rawValue || code == MOSQ_ERR_TLS_HANDSHAKE.rawValue {
            reason = "TLS handshake failed"
            if let detail = lastLibraryError.withLock({ $0 }) { reason += ": \(detail)" }
        }
        return reason
    }
}

/// A problem setting up MQTT, in one line that names the setting.
public struct MQTTError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

private func check(_ code: Int32, _ what: String) throws(MQTTError) {
    guard code == MOSQ_ERR_SUCCESS.rawValue else {
        let reason = code == MOSQ_ERR_ERRNO.rawValue ? String(cString: strerror(errno)) : String(cString: mosquitto_strerror(code))
        throw MQTTError("\(what): \(reason)")
    }
}
