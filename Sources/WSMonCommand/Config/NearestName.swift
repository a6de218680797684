/// The known name closest to a misspelt one, for "did you mean …?".
enum NearestName {
    /// The name of `names` fewest edits away from `name`, if it is close enough to be a
    /// typo (at most 2 edits, and fewer than a third of the name).
    static func suggestion(for name: String, among names: [String]) -> String? {
        let limit = min(2, max(1, name.count / 3))
        var best: (name: String, distance: Int)?
        for candidate in names {
            let distance = self.editDistance(Array(name), Array(candidate))
            if distance <= limit && distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1]
            for (j, right) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
