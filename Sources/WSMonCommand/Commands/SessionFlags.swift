import ArgumentParser
import WSMonClient
import WSMonCore

/// Session options on the command line. `SettingTable` names, documents and parses each
/// one; the properties are here because ArgumentParser finds options by property.
struct SessionFlags: ParsableArguments {
    @Option(SettingTable.count) var count: Int?
    @Option(SettingTable.header) var header: [HTTPHeaders.Field]
    @Option(SettingTable.subprotocol) var subprotocol: [String]
    @Option(SettingTable.origin) var origin: String?
    @Option(SettingTable.sendOnOpen) var sendOnOpen: [OutgoingMessage]
    @Option(SettingTable.sendOnReconnect) var sendOnReconnect: [OutgoingMessage]
    @Option(SettingTable.intervalMessage) var intervalMessage: OutgoingMessage?
    @Option(SettingTable.interval) var interval: Duration?
    @Option(SettingTable.pingInterval) var pingInterval: Duration?
    @Option(SettingTable.pongTimeout) var pongTimeout: Duration?
    @Option(SettingTable.closeTimeout) var closeTimeout: Duration?
    @Option(SettingTable.openTimeout) var openTimeout: Duration?
    @Flag(SettingTable.reconnect) var reconnect: Bool?
    @Option(SettingTable.backoffInitial) var backoffInitial: Duration?
    @Option(SettingTable.backoffMultiplier) var backoffMultiplier: Double?
    @Option(SettingTable.backoffCap) var backoffCap: Duration?
    @Option(SettingTable.stablePeriod) var stablePeriod: Duration?
    @Option(SettingTable.maxAttempts) var maxAttempts: Int?
    @Option(SettingTable.stopCodes) var stopCodes: [UInt16]?
    @Option(SettingTable.maxMessageSize) var maxMessageSize: Int?
    @Option(SettingTable.caFile) var caFile: String?
    @Flag(SettingTable.insecure) var insecure: Bool
    @Option(SettingTable.cert) var cert: String?
    @Option(SettingTable.key) var key: String?
    @Flag(SettingTable.parallelHandshakes) var parallelHandshakes: Bool
    @Option(SettingTable.proxy) var proxy: ProxyOptions?

    /// The values these flags give, each from its flag; flags left out give none.
    func values() -> SettingValues {
        var values = SettingValues()
        for row in SettingTable.session {
            guard let flag = row.flag, let value = row.value(from: self) else { continue }
            values.set(row, to: value, from: .flag(flag))
        }
        return values
    }
}
