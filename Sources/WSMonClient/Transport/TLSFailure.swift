import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why TLS failed, in words a person can act on. NIOSSL reports BoringSSL's error stack
/// (with the build's source paths) or "certificate verify failed"; this names the reason
/// instead, from the server's certificate where that is what was refused.
public enum TLSFailure: Error, Hashable, Sendable, CustomStringConvertible {
    case certificateExpired(subject: String, on: String)
    case certificateNotYetValid(subject: String, until: String)
    case selfSigned(subject: String)
    case untrustedIssuer(subject: String, issuer: String)
    /// The certificate is valid but for other names than the host asked for.
    case nameMismatch(asked: String, names: [String])
    /// The server ended the handshake with a TLS alert (RFC 8446 §6), by its name.
    case alert(String)
    /// TCP ended after the handshake with no TLS close_notify. Before the upgrade response
    /// this is how a server refuses a missing client certificate when its alert is lost
    /// (Python's asyncio drops it), so the connect error says so.
    case closedAfterHandshake
    case other(String)

    /// A stable, machine-friendly name (`tls_reason` in JSON Lines).
    public var name: String {
        switch self {
        case .certificateExpired: return "certificate_expired"
        case .certificateNotYetValid: return "certificate_not_yet_valid"
        case .selfSigned: return "self_signed_certificate"
        case .untrustedIssuer: return "untrusted_issuer"
        case .nameMismatch: return "name_mismatch"
        case .alert: return "alert"
        case .closedAfterHandshake: return "closed_after_handshake"
        case .other: return "other"
        }
    }

    public var description: String {
        switch self {
        case .certificateExpired(let subject, let date):
            return "the server's certificate (\(subject)) expired on \(date)"
        case .certificateNotYetValid(let subject, let date):
            return "the server's certificate (\(subject)) is not valid yet, only from \(date)"
        case .selfSigned(let subject):
            return "the server's certificate (\(subject)) is self-signed and not trusted; trust it with --ca-file"
        case .untrustedIssuer(let subject, let issuer):
            return "the server's certificate (\(subject)) is issued by \(issuer), which is not trusted; "
                + "add that CA with --ca-file"
        case .nameMismatch(let asked, let names):
            let listed = names.isEmpty ? "no names" : names.joined(separator: ", ")
            return "the server's certificate is for \(listed), not for \(asked)"
        case .alert(let alert):
            let hint: String
            switch alert {
            case "certificate_required", "handshake_failure":
                hint = " (it may want a client certificate: --cert and --key)"
            case "bad_certificate", "unknown_ca", "certificate_unknown", "access_denied":
                hint = " (it refused our client certificate)"
            default:
                hint = ""
            }
            return "the server ended TLS with the alert \(alert)\(hint)"
        case .closedAfterHandshake:
            return "the server closed TCP without ending TLS (no close_notify)"
        case .other(let words):
            return words
        }
    }

    /// Names the TLS error NIOSSL reported; `peerCertificate` is the server's leaf, if it
    /// sent one, and `now` the time to judge its validity by (seconds since 1970).
    init?(classifying error: any Error, peerCertificate: NIOSSLCertificate?, host: String, now: time_t) {
        switch error {
        case let error as TLSFailure:
            self = error
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            self = .nameMismatch(asked: host, names: peerCertificate.map(Self.names(in:)) ?? [])
        case let error as NIOSSLExtraError:
            // "NIOSSLExtraError.kind: what happened": the kind in words, or what happened.
            let text = String(describing: error).dropFirst("NIOSSLExtraError.".count)
            let parts = text.split(separator: ":", maxSplits: 1)
            let words = parts.count == 2 ? parts[1].drop { $0 == " " } : Substring(Self.words(String(text)))
            self = .other("the TLS setup was refused: \(words)")
        case NIOSSLError.handshakeFailed(let error), NIOSSLError.shutdownFailed(let error):
            self = Self(error, peerCertificate: peerCertificate, now: now)
        case let error as BoringSSLError:
            self = Self(error, peerCertificate: peerCertificate, now: now)
        case NIOSSLError.uncleanShutdown:
            self = .closedAfterHandshake
        case let error as NIOSSLError:
            self = .other("TLS failed (\(Self.words(String(describing: error))))")
        default:
            return nil
        }
    }

    private init(_ error: BoringSSLError, peerCertificate: NIOSSLCertificate?, now: time_t) {
        let reasons: [String]
        switch error {
        case .sslError(let stack), .unknownError(let stack), .invalidSNIName(let stack), .failedToSetALPN(let stack):
            reasons = stack.map(Self.reason(of:))
        case .syscallError, .zeroReturn:
            self = .other("the connection ended during the TLS handshake")
            return
        default:
            self = .other("TLS failed (\(Self.words(String(describing: error))))")
            return
        }
        if reasons.contains("CERTIFICATE_VERIFY_FAILED") {
            self = Self.diagnose(peerCertificate, now: now)
        } else if let alert = reasons.lazy.compactMap(Self.alertName(of:)).first {
            self = .alert(alert)
        } else if reasons.contains("WRONG_VERSION_NUMBER") {
            self = .other("the server did not answer in TLS (a ws:// port?)")
        } else if reasons.first == "EOF during handshake" {
            self = .other("the server closed the connection during the TLS handshake")
        } else if let first = reasons.first {
            self = .other("TLS failed: \(Self.words(first))")
        } else {
            self = .other("TLS failed")
        }
    }

    /// Why BoringSSL refused the certificate, read from the certificate itself: its dates,
    /// then whether it signed itself, else its issuer is the one not trusted.
    private static func diagnose(_ certificate: NIOSSLCertificate?, now: time_t) -> TLSFailure {
        guard let certificate else { return .other("the server's certificate could not be verified") }
        let subject = self.describe(certificate.subjectName)
        if now > certificate.notValidAfter {
            return .certificateExpired(subject: subject, on: self.date(certificate.notValidAfter))
        }
        if now < certificate.notValidBefore {
            return .certificateNotYetValid(subject: subject, until: self.date(certificate.notValidBefore))
        }
        if certificate.subjectName == certificate.issuerName { return .selfSigned(subject: subject) }
        return .untrustedIssuer(subject: subject, issuer: self.describe(certificate.issuerName))
    }

    /// The DNS names and IP addresses a certificate is for (its common name when it lists none).
    private static func names(in certificate: NIOSSLCertificate) -> [String] {
        var names: [String] = []
        for name in certificate._subjectAlternativeNames() {
            switch name.nameType {
            case .dnsName:
                names.append(String(decoding: name.contents, as: UTF8.self))
            case .ipAddress:
                var packed = ByteBufferAllocator().buffer(capacity: name.contents.count)
                packed.writeBytes(name.contents)
                if let address = try? SocketAddress(packedIPAddress: packed, port: 0), let ip = address.ipAddress {
                    names.append(ip)
                }
            default:
                break
            }
        }
        if names.isEmpty {
            names = certificate.subjectName.filter { $0.type == .commonName }.map(\.value)
        }
        return names
    }

    /// "CN=localhost", or the whole name when it has no common name.
    private static func describe(_ name: [SSLCertificateName]) -> String {
        if let common = name.first(where: { $0.type == .commonName }) { return "CN=\(common.value)" }
        return name.isEmpty ? "no name" : name.map(\.value).joined(separator: ", ")
    }

    /// "2026-12-02 15:00 UTC".
    private static func date(_ seconds: time_t) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)) UTC"
    }

    /// BoringSSL's reason code ("CERTIFICATE_VERIFY_FAILED") without the error number or
    /// the source path NIOSSL appends ("error:1000007d:SSL routines:OPENSSL_internal:REASON
    /// at /path/handshake.cc:123").
    private static func reason(of error: BoringSSLInternalError) -> String {
        let text = error.description
        guard let start = text.range(of: "error:") else {
            return text.hasPrefix("Error: ") ? String(text.dropFirst("Error: ".count)).trimmed : text
        }
        var rest = text[start.lowerBound...]
        if let at = rest.range(of: " at ") { rest = rest[..<at.lowerBound] }
        return String(rest.split(separator: ":").last ?? rest)
    }

    /// "TLSV1_ALERT_UNKNOWN_CA" → "unknown_ca".
    private static func alertName(of reason: String) -> String? {
        guard let range = reason.range(of: "_ALERT_") else { return nil }
        return reason[range.upperBound...].lowercased()
    }

    /// "NO_SHARED_CIPHER" → "no shared cipher"; "uncleanShutdown" → "unclean shutdown".
    private static func words(_ code: String) -> String {
        if code == code.uppercased() { return code.lowercased().split(separator: "_").joined(separator: " ") }
        var words = ""
        for character in code {
            if character == "_" {
                words.append(" ")
            } else if character.isUppercase, let last = words.last, last.isLowercase {
                words += " " + character.lowercased()
            } else {
                words += character.lowercased()
            }
        }
        return words
    }
}

extension String {
    fileprivate var trimmed: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
