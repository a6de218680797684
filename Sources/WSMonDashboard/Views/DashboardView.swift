/// Draws the whole screen for a model: a pure function from the model to a cell grid, so
/// tests compare screens without a terminal.
public enum DashboardView {
    public static func render(_ model: DashboardModel, clock: ClockFormat) -> CellGrid {
        var grid = CellGrid(width: model.width, height: model.height)
        guard model.width >= 20, model.height >= 6 else {
            grid.put("wsmon needs at least 20×6", x: 0, y: 0, style: CellStyle(.error))
            return grid
        }
        HeaderView.draw(model, clock: clock, into: &grid)
        TableView.draw(model, into: &grid)
        DetailView.draw(model, clock: clock, into: &grid)
        FooterView.draw(model, into: &grid)
        if model.showsHelp { HelpOverlay.draw(model, into: &grid) }
        return grid
    }
}
