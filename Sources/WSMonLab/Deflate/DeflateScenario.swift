/// The permessage-deflate scenarios, `/deflate/KIND`: what the lab answers to the client's
/// offer and what it then sends.
enum DeflateScenario: String, CaseIterable, Equatable {
    /// Deflate on, as most servers answer: a compressed feed that also echoes.
    case on
    /// A bare `permessage-deflate` answer (python-websockets #1109, #1068).
    case bare
    /// `server_max_window_bits=8`, and `client_max_window_bits=8` when offered (the window
    /// zlib cannot deflate with: python-websockets #1757, bun #38632).
    case window8 = "window-8"
    /// `server_no_context_takeover; client_no_context_takeover`.
    case noContextTakeover = "no-context-takeover"
    /// RSV1 set on a message though nothing was negotiated (ws #1191, #2282).
    case rsv1Unnegotiated = "rsv1-unnegotiated"
    /// A compressed message, a plain one, a compressed one.
    case uncompressedMidStream = "uncompressed-mid-stream"
    /// A message, then a compressed frame of about 80 KiB that inflates to 80 MiB.
    case bomb
    /// A message, then RSV1 on bytes that are not DEFLATE data.
    case corrupt

    /// The `Sec-WebSocket-Extensions` answer, given the client's offer; nil: none.
    func answer(toOffer offer: String?) -> String? {
        guard let offer, offer.lowercased().contains("permessage-deflate") else { return nil }
        let offersClientBits = offer.lowercased().contains("client_max_window_bits")
        switch self {
        case .rsv1Unnegotiated: return nil
        case .on: return offersClientBits ? "permessage-deflate; client_max_window_bits=15" : "permessage-deflate"
        case .window8:
            return "permessage-deflate; server_max_window_bits=8"
                + (offersClientBits ? "; client_max_window_bits=8" : "")
        case .noContextTakeover: return "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
        case .bare, .uncompressedMidStream, .bomb, .corrupt: return "permessage-deflate"
        }
    }

    /// The lab's side of the agreed parameters.
    var serverWindowBits: Int { self == .window8 ? 8 : 15 }
    var noContextTakeover: Bool { self == .noContextTakeover }

    /// The bomb's one frame, made once: 80 MiB of zeros, above the client's 64 MiB default.
    static let bombPayload: [UInt8] = LabDeflater(windowBits: 15, resetsPerMessage: true).compress(
        [UInt8](repeating: 0, count: 80 << 20)
    )
}
