#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a TOML file's text, with the system's reason when it cannot be read.
public enum TOMLFileText {
    /// Config files and themes are written by hand; a larger file is a mistake (`/dev/zero`).
    public static let maximumSize = 1 << 20

    /// The UTF-8 text of the file at `path`, read through a descriptor so that the error
    /// names the system's reason (no such file, permission denied, is a directory).
    public static func load(path: String) throws(TOMLFileError) -> String {
        func failure() -> TOMLFileError {
            TOMLFileError(
                path: path,
                line: nil,
                key: nil,
                message: "cannot read the file: \(String(cString: strerror(errno)))"
            )
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure()
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
            guard bytes.count <= Self.maximumSize else {
                throw TOMLFileError(
                    path: path,
                    line: nil,
                    key: nil,
                    message: "the file is over 1 MiB, too large for a config file or theme"
                )
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TOMLFileError(path: path, line: nil, key: nil, message: "cannot read the file as UTF-8 text")
        }
        return text
    }
}
