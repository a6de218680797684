import WSMonMonitor

/// Moving through the table, the frame log (over the frames its filter shows) and the
/// panes' lines.
extension DashboardModel {
    mutating func move(by step: Int) {
        switch self.context {
        case .table: self.moveSelection(by: step)
        case .framesPane: self.moveFrameCursor(by: step)
        case .otherPane: self.detailScroll = max(0, self.detailScroll + step)
        }
    }

    /// A page: in the Frames pane, of the inspected frame's content.
    mutating func page(by step: Int) {
        switch self.context {
        case .framesPane: self.detailScroll = max(0, self.detailScroll + step)
        case .table, .otherPane: self.move(by: step)
        }
    }

    mutating func moveToStart() {
        switch self.context {
        case .table: self.moveSelection(by: -self.list.rows.count)
        case .framesPane:
            guard let detail = self.frameLogDetail, let first = self.frameView.shownFrames(of: detail).first else {
                return
            }
            self.setFrameCursor(first, in: detail)
        case .otherPane: self.detailScroll = 0
        }
    }

    mutating func moveToEnd() {
        switch self.context {
        case .table: self.moveSelection(by: self.list.rows.count)
        case .framesPane:
            self.frameCursor = nil
            self.frameView.newestWhenUnfollowed = nil
            self.detailScroll = 0
        case .otherPane: self.detailScroll = Int.max / 2
        }
    }

    mutating func moveSelection(by step: Int) {
        guard !self.list.rows.isEmpty else { return }
        let current = self.list.index(of: self.selectedID) ?? 0
        let next = min(max(0, current + step), self.list.rows.count - 1)
        let id = self.list.rows[next].id
        if id != self.selectedID {
            self.selectedID = id
            self.selectionChanged()
        }
        self.keepSelectionVisible()
    }

    /// The frame the cursor is on: the one chosen, or the newest shown.
    func cursorFrame(in detail: SessionDetail, shown: [Int]) -> Int? {
        guard let last = shown.last else { return nil }
        guard let cursor = self.frameCursor else { return last }
        // The nearest shown frame at or before the chosen one (a filter may hide it).
        var low = 0
        var high = shown.count - 1
        guard cursor >= shown[0] else { return shown[0] }
        while low < high {
            let middle = (low + high + 1) / 2
            if shown[middle] <= cursor { low = middle } else { high = middle - 1 }
        }
        return shown[low]
    }

    private mutating func moveFrameCursor(by step: Int) {
        guard let detail = self.frameLogDetail else { return }
        let shown = self.frameView.shownFrames(of: detail)
        guard let current = self.cursorFrame(in: detail, shown: shown),
            let index = shown.firstIndex(of: current)
        else { return }
        let next = index + step
        if next >= shown.count {
            self.moveToEnd()
        } else {
            self.setFrameCursor(shown[max(0, next)], in: detail)
        }
    }

    mutating func setFrameCursor(_ number: Int, in detail: SessionDetail) {
        if self.frameCursor == nil {
            self.frameView.newestWhenUnfollowed = detail.framesOverflowed + detail.frames.count - 1
        }
        self.frameCursor = number
        self.detailScroll = 0
        self.frameView.sideways = 0
    }

    /// Moves the cursor to the next (or previous) frame that matches the search.
    mutating func jumpToMatch(forward: Bool, includingCurrent: Bool = false) {
        guard let search = self.frameView.search else {
            self.setStatus("no search: / searches the frames", isError: true)
            return
        }
        guard let detail = self.frameLogDetail else { return }
        let shown = self.frameView.shownFrames(of: detail)
        guard let current = self.cursorFrame(in: detail, shown: shown),
            let start = shown.firstIndex(of: current)
        else { return }
        let messages = detail.messagesByFrame
        var matches: [Int] = []
        for number in shown where self.frameView.matches(number, in: detail, messages: messages) {
            matches.append(number)
        }
        guard !matches.isEmpty else {
            self.setStatus("“\(search)” is in none of the \(shown.count) frames shown", isError: true)
            return
        }
        let after = shown[start...].dropFirst(includingCurrent ? 0 : 1)
        let before = shown[..<start] + (includingCurrent ? [current] : [])
        let target: Int
        if forward {
            target = matches.first { $0 >= (after.first ?? Int.max) } ?? matches[0]
        } else {
            target = matches.last { $0 <= (before.last ?? Int.min) } ?? matches[matches.count - 1]
        }
        self.setFrameCursor(target, in: detail)
        let position = matches.firstIndex(of: target)! + 1
        self.setStatus("match \(position) of \(matches.count) for “\(search)”")
    }
}
