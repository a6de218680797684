/// Expected screens of `TableReadingTests`, by terminal width (checked by eye when made),
/// a file per screen.
enum TableScreens {}
