import WSMonClient
import WSMonCore
import WSMonMonitor

extension DashboardModel {
    /// Applies a key as `KeyBindings` says; returns what the program must do for it.
    public mutating func handle(_ key: Key) -> [DashboardRequest] {
        if self.prompt != nil { return self.handlePromptKey(key) }
        if self.showsHelp { return self.handleHelpKey(key) }
        guard let action = KeyBindings.action(for: key, in: self.context, mode: self.mode) else {
            if self.mode == .replay, let live = KeyBindings.action(for: key, in: self.context, mode: .live) {
                self.refuseInReplay(live)
            }
            return []
        }
        return self.perform(action)
    }

    var mode: KeyBindings.Mode { self.replay == nil ? .live : .replay }

    /// Live commands have no session to go to in a replay: say so, rather than do nothing.
    private mutating func refuseInReplay(_ action: KeyBindings.Action) {
        let verbs: [KeyBindings.Action: String] = [
            .send: "send", .close: "close", .ping: "ping", .reconnect: "reconnect", .drop: "drop a connection",
        ]
        guard let verb = verbs[action] else { return }
        self.setStatus("a replay cannot \(verb): it shows what was recorded", isError: true)
    }

    private mutating func replayCommand(_ action: KeyBindings.Action) -> [DashboardRequest] {
        switch action {
        case .playOrPause: return [.replay(.playOrPause)]
        case .stepBack: return [.replay(.step(forward: false))]
        case .stepForward: return [.replay(.step(forward: true))]
        case .slower: return [.replay(.speed(faster: false))]
        case .faster: return [.replay(.speed(faster: true))]
        case .previousClose, .nextClose:
            guard let id = self.selectedID else {
                self.setStatus("no session selected", isError: true)
                return []
            }
            self.tab = .close
            self.timelineBack = 0
            return [.replay(.jump(session: id, forward: action == .nextClose))]
        case .goToTime:
            self.prompt = Prompt(.goToTime)
            return []
        default: return []
        }
    }

    private mutating func perform(_ action: KeyBindings.Action) -> [DashboardRequest] {
        switch action {
        case .quit: return self.quit()
        case .help:
            self.showsHelp = true
            self.helpScroll = 0
        case .up: self.move(by: -1)
        case .down: self.move(by: 1)
        case .pageUp: self.page(by: -self.pageSize)
        case .pageDown: self.page(by: self.pageSize)
        case .first: self.moveToStart()
        case .last: self.moveToEnd()
        case .focus: self.focusDetail()
        case .back:
            if self.focus == .detail {
                self.focusTable()
            } else if !self.filter.isEmpty {
                self.setFilter("")
            }
        case .nextTab: self.switchTab(by: 1)
        case .previousTab: self.switchTab(by: -1)
        case .olderHandshake: self.timelineBack += 1
        case .newerHandshake: self.timelineBack = max(0, self.timelineBack - 1)
        case .pause: self.togglePause()
        case .prettyJSON:
            self.prettyJSON.toggle()
            self.detailScroll = 0
            self.setStatus(self.prettyJSON ? "JSON messages pretty-printed" : "JSON messages shown as sent")
        case .filter: self.prompt = Prompt(.filter, text: self.filter.text)
        case .sort:
            let next = SessionColumn(rawValue: (self.order.column.rawValue + 1) % SessionColumn.allCases.count)!
            self.setOrder(SortOrder(column: next, descending: self.order.descending))
            self.setStatus("sorted by \(next.title)")
        case .reverse:
            self.setOrder(SortOrder(column: self.order.column, descending: !self.order.descending))
            self.setStatus(
                "sorted by \(self.order.column.title), \(self.order.descending ? "descending" : "ascending")"
            )
        case .theme:
            self.themeIndex = (self.themeIndex + 1) % max(1, self.themeNames.count)
            self.setStatus("theme: \(self.themeNames[self.themeIndex])")
        case .send, .close, .ping, .reconnect, .drop:
            return self.sessionCommand(action)
        case .playOrPause, .stepBack, .stepForward, .slower, .faster, .previousClose, .nextClose, .goToTime:
            return self.replayCommand(action)
        case .search: self.prompt = Prompt(.search, text: self.frameView.search ?? "")
        case .nextMatch: self.jumpToMatch(forward: true)
        case .previousMatch: self.jumpToMatch(forward: false)
        case .hideControl:
            self.frameView.hidesControl.toggle()
            self.setStatus(self.frameView.hidesControl ? "ping, pong and close frames hidden" : "every frame shown")
        case .direction:
            switch self.frameView.direction {
            case .both: self.frameView.direction = .received
            case .received: self.frameView.direction = .sent
            case .sent: self.frameView.direction = .both
            }
        case .wrap:
            self.frameView.wrapsLines.toggle()
            self.frameView.sideways = 0
            self.detailScroll = 0
            self.setStatus(self.frameView.wrapsLines ? "long lines wrap" : "long lines cut: ← → scroll sideways")
        case .left: self.frameView.sideways = max(0, self.frameView.sideways - self.sidewaysStep)
        case .right:
            guard !self.frameView.wrapsLines else {
                self.setStatus("long lines wrap: W cuts them, then ← → scroll sideways")
                return []
            }
            self.frameView.sideways += self.sidewaysStep
        case .copy: self.copySelectedMessage()
        case .write: self.promptForWrite()
        }
        return []
    }

    private var sidewaysStep: Int { max(8, self.width / 2) }

    private mutating func handleHelpKey(_ key: Key) -> [DashboardRequest] {
        switch KeyBindings.action(for: key, in: .otherPane) {
        case .up: self.helpScroll = max(0, self.helpScroll - 1)
        case .down: self.helpScroll += 1
        case .pageUp: self.helpScroll = max(0, self.helpScroll - max(1, self.height - 4))
        case .pageDown: self.helpScroll += max(1, self.height - 4)
        case .first: self.helpScroll = 0
        case .last: self.helpScroll = Int.max / 2
        case .quit:
            self.showsHelp = false
            return self.quit()
        default:
            self.showsHelp = false
        }
        return []
    }

    /// The detail pane takes most of the screen; its cursor starts on the newest frame.
    private mutating func focusDetail() {
        self.focus = .detail
        self.frameCursor = nil
        self.frameView.newestWhenUnfollowed = nil
        self.keepSelectionVisible()
    }

    /// Back to the table; the frame log follows the newest frame again.
    private mutating func focusTable() {
        self.focus = .table
        self.frameCursor = nil
        self.frameView.newestWhenUnfollowed = nil
        self.detailScroll = 0
        self.keepSelectionVisible()
    }

    private var pageSize: Int {
        let rows = self.focus == .table ? self.layout.tableRows.count : self.layout.detailRows.count
        return max(1, rows - 1)
    }

    private mutating func quit() -> [DashboardRequest] {
        self.startQuitting()
        return [.quit]
    }

    private mutating func sessionCommand(_ action: KeyBindings.Action) -> [DashboardRequest] {
        guard let session = self.selected else {
            self.setStatus("no session selected", isError: true)
            return []
        }
        let id = session.id
        switch action {
        case .send: self.prompt = Prompt(.send(session: id))
        case .close: self.prompt = Prompt(.close(session: id))
        case .ping:
            self.setStatus("ping sent to #\(id)")
            return [.ping(session: id)]
        case .reconnect:
            self.setStatus("reconnecting #\(id)")
            return [.reconnect(session: id)]
        case .drop:
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
        case .search:
            self.prompt = nil
            self.frameView.search = prompt.text.isEmpty ? nil : prompt.text
            if self.frameView.search != nil { self.jumpToMatch(forward: false, includingCurrent: true) }
            return []
        case .write(let target):
            guard !prompt.text.isEmpty else {
                prompt.error = "give a file name"
                self.prompt = prompt
                return []
            }
            self.prompt = nil
            self.outputs.append(.write(path: prompt.text, contents: target.contents, what: target.what))
            return []
        case .goToTime:
            guard let replay = self.replay,
                let time = ReplayTime.parse(prompt.text, start: replay.start, utcOffsetSeconds: self.utcOffsetSeconds)
            else {
                prompt.error = "a time such as \(ReplayTime.formats)"
                self.prompt = prompt
                return []
            }
            self.prompt = nil
            return [.replay(.seek(to: time))]
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
}
