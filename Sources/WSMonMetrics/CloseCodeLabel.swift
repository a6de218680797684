/// The `code` label of `wsmon_closes_total`: a registered code as itself (1005 and 1006 kept
/// apart: no status and abnormal closure are different stories), the library and
/// application ranges as their class, anything else as `other`, so a server that invents
/// codes cannot grow the series without bound.
enum CloseCodeLabel {
    static func label(_ code: UInt16) -> String {
        switch code {
        case 1000...1003, 1005...1015: return String(code)
        case 3000...3999: return "3xxx"
        case 4000...4999: return "4xxx"
        default: return "other"
        }
    }
}
