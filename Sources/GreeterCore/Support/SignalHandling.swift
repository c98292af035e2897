import Dispatch
import Glibc
import Synchronization

/// Turns SIGHUP (reload) and SIGTERM/SIGINT (stop) into calls on a DispatchQueue, so the daemon reacts
/// in ordinary code instead of in an async-signal handler.
public final class SignalHandler: Sendable {
    private static let reloadSignals = [SIGHUP]
    private static let stopSignals = [SIGTERM, SIGINT]

    private let sources: Mutex<[any DispatchSourceSignal]>

    private init(sources: sending [any DispatchSourceSignal]) {
        self.sources = Mutex(sources)
    }

    /// Calls `onReload` for SIGHUP and `onStop` with the signal number for SIGTERM and SIGINT.
    ///
    /// Dispatch receives signals through a signalfd, which only sees blocked signals. They are blocked in
    /// the calling thread (threads it starts later inherit that), and Dispatch redirects those that hit
    /// other threads once its sources are registered, which this waits for: so call it early, once per
    /// process, and not on `queue`. Also ignores SIGPIPE, so a vanished log reader or socket peer gives
    /// EPIPE instead of killing the daemon.
    public static func install(
        queue: DispatchQueue,
        onReload: @escaping @Sendable () -> Void,
        onStop: @escaping @Sendable (_ signal: Int32) -> Void
    ) -> SignalHandler {
        dispatchPrecondition(condition: .notOnQueue(queue))
        signal(SIGPIPE, SIG_IGN)
        setBlocked(reloadSignals + stopSignals, SIG_BLOCK)
        // Until a source is registered, a signal reaching a thread that does not block it still
        // has its default action, which for all three is to end the process.
        let registered = DispatchGroup()
        var sources: [any DispatchSourceSignal] = []
        for signo in reloadSignals + stopSignals {
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            let isReload = reloadSignals.contains(signo)
            source.setEventHandler { isReload ? onReload() : onStop(signo) }
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.resume()
            sources.append(source)
        }
        registered.wait()
        return SignalHandler(sources: sources)
    }

    /// Stops delivering and gives the signals their default actions back (a later SIGTERM kills again).
    public func cancel() {
        sources.withLock { sources in
            for source in sources { source.cancel() }
            sources.removeAll()
        }
        for signo in Self.reloadSignals + Self.stopSignals { signal(signo, SIG_DFL) }
        Self.setBlocked(Self.reloadSignals + Self.stopSignals, SIG_UNBLOCK)
    }

    private static func setBlocked(_ signals: [Int32], _ how: Int32) {
        var set = sigset_t()
        sigemptyset(&set)
        for signo in signals { sigaddset(&set, signo) }
        pthread_sigmask(how, &set, nil)
    }
}
