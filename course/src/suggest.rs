//! "Did you mean …?" for ids typed on the command line, by Levenshtein edit distance.

/// The edit distance between two strings (insertions, deletions and substitutions of chars).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            let insertion = current[j] + 1;
            let deletion = previous[j + 1] + 1;
            current.push(substitution.min(insertion).min(deletion));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The known id nearest to `typed`, if it is within two edits (ties go to the earlier id).
pub fn closest<'a>(typed: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|id| (edit_distance(typed, id), *id))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        let check = |a: &str, b: &str, expected: usize| assert_eq!(edit_distance(a, b), expected);
        check("", "", 0);
        check("01.2", "01.2", 0);
        check("01.2", "01.3", 1);
        check("1.2", "01.2", 1);
        check("kitten", "sitting", 3);
    }

    #[test]
    fn closest_suggests_near_ids_only() {
        let known = ["01.1", "01.2", "02.1"];
        assert_eq!(closest("01.22", &known), Some("01.2"));
        assert_eq!(closest("1.2", &known), Some("01.2"));
        assert_eq!(closest("zzzzzz", &known), None);
    }
}
