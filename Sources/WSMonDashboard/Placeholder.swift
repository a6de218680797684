/// The dashboard: renders monitor snapshots with ncursesw. See README.md.
enum DashboardPlaceholder {}
