/// Expected screens of `StoryTests`, by terminal width (checked by eye when made), a file
/// per screen.
enum StoryScreens {}
