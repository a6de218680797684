import WSMonClient
import WSMonCore
import WSMonMonitor

extension DashboardModel {
    /// Applies a key; returns what the program must do for it (often nothing).
    public mutating func handle(_ key: Key) -> [DashboardRequest] {
        if self.prompt != nil { return self.handlePromptKey(key) }
        if self.showsHelp {
            self.showsHelp = false
            if key != .character("q") { return [] }
        }
        switch key {
        case .interrupt, .character("q"):
            return self.quit()
        case .character("?"):
            self.showsHelp = true
        case .up, .character("k"): self.move(by: -1)
        case .down, .character("j"): self.move(by: 1)
        case .pageUp: self.page(by: -self.pageSize)
        case .pageDown: self.page(by: self.pageSize)
        case .home, .character("g"): self.moveToStart()
        case .end, .character("G"): self.moveToEnd()
        case .enter:
            if self.focus == .table { self.focusDetail() } else { self.focusTable() }
        case .escape:
            if self.focus == .detail {
                self.focusTable()
            } else if !self.filter.isEmpty {
                self.setFilter("")
            }
        case .tab: self.switchTab(by: 1)
        case .backTab: self.switchTab(by: -1)
        case .character("["): self.timelineBack += 1
        case .character("]"): self.timelineBack = max(0, self.timelineBack - 1)
        case .character(" "): self.togglePause()
        case .character("J"):
            self.prettyJSON.toggle()
            self.setStatus(self.prettyJSON ? "JSON messages pretty-printed" : "JSON messages shown as sent")
        case .character("/"):
            self.prompt = Prompt(.filter, text: self.filter.text)
        case .character("o"):
            let next = SessionColumn(rawValue: (self.order.column.rawValue + 1) % SessionColumn.allCases.count)!
            self.setOrder(SortOrder(column: next, descending: self.order.descending))
            self.setStatus("sorted by \(next.title)")
        case .character("O"):
            self.setOrder(SortOrder(column: self.order.column, descending: !self.order.descending))
        case .character("t"):
            self.themeIndex = (self.themeIndex + 1) % max(1, self.themeNames.count)
            self.setStatus("theme: \(self.themeNames[self.themeIndex])")
        case .character("s"), .character("c"), .character("p"), .character("r"), .character("x"):
            return self.sessionCommand(key)
        default:
            break
        }
        return []
    }

    /// The detail pane takes most of the screen; its cursor starts on the newest frame.
    private mutating func focusDetail() {
        self.focus = .detail
        self.frameCursor = nil
        self.keepSelectionVisible()
    }

    /// Back to the table; the frame log follows the newest frame again.
    private mutating func focusTable() {
        self.focus = .table
        self.frameCursor = nil
        self.detailScroll = 0
        self.keepSelectionVisible()
    }

    private var pageSize: Int {
        let rows = self.focus == .table ? self.layout.tableRows.count : self.layout.detailRows.count
        return max(1, rows - 1)
    }

    private mutating func quit() -> [DashboardRequest] {
        if !self.isQuitting {
            self.isQuitting = true
            self.setStatus("closing every session… (q again to quit at once)")
        }
        return [.quit]
    }

    private mutating func sessionCommand(_ key: Key) -> [DashboardRequest] {
        guard let session = self.selected else {
            self.setStatus("no session selected", isError: true)
            return []
        }
        let id = session.id
        switch key {
        case .character("s"): self.prompt = Prompt(.send(session: id))
        case .character("c"): self.prompt = Prompt(.close(session: id))
        case .character("p"):
            self.setStatus("ping sent to #\(id)")
            return [.ping(session: id)]
        case .character("r"):
            self.setStatus("reconnecting #\(id)")
            return [.reconnect(session: id)]
        case .character("x"):
            self.setStatus("dropping #\(id)'s TCP connection")
            return [.drop(session: id)]
        default: break
        }
        return []
    }

    private mutating func handlePromptKey(_ key: Key) -> [DashboardRequest] {
        guard var prompt = self.prompt else { return [] }
        if key == .interrupt { return self.quit() }
        if prompt.edit(key) {
            self.prompt = prompt
            if case .filter = prompt.kind { self.setFilter(prompt.text) }
            return []
        }
        switch key {
        case .escape:
            if case .filter = prompt.kind { self.setFilter("") }
            self.prompt = nil
        case .enter:
            return self.submit(prompt)
        default:
            break
        }
        return []
    }

    private mutating func submit(_ prompt: Prompt) -> [DashboardRequest] {
        var prompt = prompt
        switch prompt.kind {
        case .filter:
            self.prompt = nil
            return []
        case .send(let id):
            guard !prompt.text.isEmpty else {
                self.prompt = nil
                return []
            }
            switch Prompt.parseMessage(prompt.text) {
            case .success(let message):
                self.prompt = nil
                self.setStatus("sent to #\(id)")
                return [.send(session: id, message)]
            case .failure(let error):
                prompt.error = error.message
            }
        case .close(let id):
            switch Prompt.parseClose(prompt.text) {
            case .success(let (code, reason)):
                self.prompt = nil
                self.tab = .close
                self.timelineBack = 0
                self.setStatus("closing #\(id) with \(code.rawValue)")
                return [.close(session: id, code: code, reason: reason)]
            case .failure(let error):
                prompt.error = error.message
            }
        }
        self.prompt = prompt
        return []
    }

    private mutating func switchTab(by step: Int) {
        let count = DetailTab.allCases.count
        self.tab = DetailTab(rawValue: (self.tab.rawValue + step + count) % count)!
        self.detailScroll = 0
    }

    private mutating func togglePause() {
        if self.frozenDetail != nil {
            self.frozenDetail = nil
            self.setStatus("frame log live")
        } else if let detail = self.detail {
            self.frozenDetail = detail
            self.setStatus("frame log paused (space resumes)")
        }
    }

    // MARK: Moving

    private mutating func move(by step: Int) {
        switch self.focus {
        case .table: self.moveSelection(by: step)
        case .detail:
            if self.tab == .frames {
                self.moveFrameCursor(by: step)
            } else {
                self.detailScroll = max(0, self.detailScroll + step)
            }
        }
    }

    /// A page: in the frames tab of the focused pane, of the frame inspector's content.
    private mutating func page(by step: Int) {
        if self.focus == .detail && self.tab == .frames {
            self.detailScroll = max(0, self.detailScroll + step)
        } else {
            self.move(by: step)
        }
    }

    private mutating func moveToStart() {
        switch self.focus {
        case .table: self.moveSelection(by: -self.list.rows.count)
        case .detail:
            if self.tab == .frames, let detail = self.frameLogDetail {
                self.frameCursor = detail.framesOverflowed
            } else {
                self.detailScroll = 0
            }
        }
    }

    private mutating func moveToEnd() {
        switch self.focus {
        case .table: self.moveSelection(by: self.list.rows.count)
        case .detail:
            if self.tab == .frames {
                self.frameCursor = nil
            } else {
                self.detailScroll = Int.max / 2
            }
        }
    }

    private mutating func moveSelection(by step: Int) {
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

    private mutating func moveFrameCursor(by step: Int) {
        guard let detail = self.frameLogDetail, !detail.frames.isEmpty else { return }
        let first = detail.framesOverflowed
        let last = first + detail.frames.count - 1
        let current = min(max(first, self.frameCursor ?? last), last)
        let next = current + step
        self.frameCursor = next > last ? nil : max(first, next)
        self.detailScroll = 0
    }
}
