/// Where each part of the screen goes at a given size: three header rows, the sessions
/// table, the detail pane with its tab bar, and the footer. Focusing the detail pane
/// gives it most of the height.
public struct Layout: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var headerRows: Range<Int>
    public var tableHeaderRow: Int
    public var tableRows: Range<Int>
    public var tabBarRow: Int
    public var detailRows: Range<Int>
    public var footerRow: Int

    public init(width: Int, height: Int, focus: DashboardModel.Focus) {
        self.width = width
        self.height = height
        let headerCount = height >= 16 ? 3 : 1
        self.headerRows = 0..<headerCount
        self.tableHeaderRow = headerCount
        self.footerRow = max(0, height - 1)
        // What is left between the table header and the footer, minus the tab bar.
        let available = max(0, height - headerCount - 3)
        let tableCount: Int
        switch focus {
        case .table: tableCount = max(min(available, 3), available * 2 / 5)
        case .detail: tableCount = min(available, 3)
        }
        let tableStart = headerCount + 1
        self.tableRows = tableStart..<(tableStart + tableCount)
        self.tabBarRow = self.tableRows.upperBound
        self.detailRows = (self.tabBarRow + 1)..<max(self.tabBarRow + 1, self.footerRow)
    }
}
