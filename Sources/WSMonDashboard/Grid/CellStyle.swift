/// A cell's style as the views chose it: a role, and whether the cell is on the selected
/// row. The theme turns it into colours when the screen is drawn, so changing theme needs
/// no re-render of the views' choices.
public struct CellStyle: Hashable, Sendable {
    public var role: Role
    public var selected: Bool

    public init(_ role: Role, selected: Bool = false) {
        self.role = role
        self.selected = selected
    }

    /// A dense index for lookup tables: `Role.allCases.count * 2` values.
    public var index: Int { Self.roleIndex[self.role]! * 2 + (self.selected ? 1 : 0) }

    static let roleIndex: [Role: Int] = Dictionary(
        uniqueKeysWithValues: Role.allCases.enumerated().map { ($1, $0) }
    )
    public static let count = Role.allCases.count * 2

    public init(index: Int) {
        self.role = Role.allCases[index / 2]
        self.selected = index % 2 == 1
    }
}
