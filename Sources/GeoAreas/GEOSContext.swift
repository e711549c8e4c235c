import CGEOS
import Synchronization

/// One GEOS context handle (the re-entrant `_r` API): `GEOS_init_r` in `init`, `GEOS_finish_r`
/// in `deinit`. GEOS reports errors through a callback; this collects them so each failing call
/// throws with GEOS's own words. A context is not thread-safe: its owner serializes use.
final class GEOSContext {
    let handle: GEOSContextHandle_t
    /// The message GEOS reported last, reset before each call that may fail.
    private let messages = MessageBox()

    final class MessageBox {
        var last: String?
    }

    init() {
        handle = GEOS_init_r()
        let box = Unmanaged.passUnretained(messages).toOpaque()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let message, let userdata else { return }
            Unmanaged<MessageBox>.fromOpaque(userdata).takeUnretainedValue().last = String(cString: message)
        }, box)
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// Runs a GEOS call, turning a failure (as `failed` judges its result) into an error that
    /// carries GEOS's message.
    func call<T>(_ what: String, failed: (T) -> Bool, _ body: () -> T) throws(AreaError) -> T {
        messages.last = nil
        let result = body()
        if failed(result) { throw .geos("\(what): \(messages.last ?? "GEOS reported no reason")") }
        return result
    }
}
