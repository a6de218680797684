/// A named set of styles by role, loaded from a theme file (see `themes/`).
public struct Theme: Hashable, Sendable {
    public var name: String
    /// Roles a theme does not mention are drawn plain.
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public subscript(role: Role) -> Style { self.styles[role] ?? Style() }

    /// The style of a cell with `role`, on the selected row or not. The selection fills in
    /// what the role leaves open (usually the background) and adds its attributes, so a
    /// violation stays red on the selected row.
    public func style(for role: Role, selected: Bool) -> Style {
        guard selected else { return self[role] }
        return self[.selected].merged(with: self[role])
    }
}
