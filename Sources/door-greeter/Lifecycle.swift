import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The signals, from before the models load: SIGTERM/SIGINT stop (during the start-up after the photo being
/// enrolled), SIGHUP reloads (during the start-up once started). One sequence for all three, so the stop line
/// names the signal.
final class Lifecycle: Service, Sendable {
    private struct State {
        var daemon: Daemon?
        var stopRequested = false
        var reloadPending = false
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let signals: UnixSignalsSequence
    /// The group that runs this; set before it runs.
    let group = Mutex<ServiceGroup?>(nil)

    /// Traps the signals before it returns: their default action would end the process.
    init(logger: Logger) async {
        self.logger = logger
        signals = await UnixSignalsSequence(trapping: .sighup, .sigterm, .sigint)
    }

    var stopRequested: Bool { state.withLock { $0.stopRequested } }
    var daemon: Daemon? { state.withLock { $0.daemon } }

    func run() async throws {
        for await signal in signals.cancelOnGracefulShutdown() {
            if signal == .sighup { reload() } else { await stop(signal: signal.rawValue) }
        }
    }

    /// The daemon has started: a reload asked for during the start-up is applied now.
    func attach(_ daemon: Daemon) {
        let reload = state.withLock { state in
            state.daemon = daemon
            return state.reloadPending && !state.stopRequested
        }
        if reload { daemon.requestReload() }
    }

    private func reload() {
        let daemon = state.withLock { state in
            if state.daemon == nil { state.reloadPending = true }
            return state.daemon
        }
        guard let daemon else {
            return logger.notice("reload (SIGHUP) while starting: the config is read again once started")
        }
        daemon.requestReload()
    }

    private func stop(signal: Int32) async {
        let daemon = state.withLock { state in
            state.stopRequested = true
            return state.daemon
        }
        if let daemon {
            daemon.beginStop(reason: "signal \(signal)")
        } else {
            logger.notice("stopping: signal \(signal), while starting (after the photo being enrolled, which is saved)")
        }
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }
}
