/// Expected screens of `FrameReadingTests`, by terminal width (checked by eye when made),
/// a file per screen.
enum FrameScreens {}
