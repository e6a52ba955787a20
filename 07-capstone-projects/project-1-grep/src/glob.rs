//! Shell wildcards for `--include`, `--exclude` and `--exclude-dir`: `*`, `?`, `[...]` and `\`.
//!
//! GNU grep matches these globs with `fnmatch` against a file's name, and for names given on the
//! command line also against every tail of the name that follows a `/`; this module does the
//! same. Pure functions; no I/O.

/// True when `glob` matches `name` or one of its tails after a `/`.
pub(crate) fn matches_name(glob: &[u8], name: &[u8]) -> bool {
    let name = name.strip_suffix(b"/").unwrap_or(name);
    if matches(glob, name) {
        return true;
    }
    name.iter()
        .enumerate()
        .filter(|&(_, &byte)| byte == b'/')
        .any(|(index, _)| matches(glob, &name[index + 1..]))
}

/// True when `glob` matches all of `text` (`*` and `?` match `/` too, as `fnmatch` without
/// `FNM_PATHNAME` does).
fn matches(glob: &[u8], text: &[u8]) -> bool {
    // course:solution p1.6 Match the whole of `text` against `glob`: `?` one byte, `[...]` (see `bracket`), `\x` a literal x, `*` any run of bytes (remember the last `*` and let it absorb one more byte when the rest fails).
    // Iterative matching with one backtracking point for the last `*`, which is enough for
    // globs (a later `*` can always take over what an earlier one would have matched).
    let (mut g, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        let step = match glob.get(g) {
            Some(b'*') => {
                star = Some((g, t));
                g += 1;
                continue;
            }
            Some(b'?') => Some(g + 1),
            Some(b'[') => bracket(glob, g, text[t]),
            Some(b'\\') if g + 1 < glob.len() => (glob[g + 1] == text[t]).then_some(g + 2),
            Some(&byte) => (byte == text[t]).then_some(g + 1),
            None => None,
        };
        match (step, star) {
            (Some(next), _) => {
                g = next;
                t += 1;
            }
            (None, Some((star_g, star_t))) => {
                g = star_g + 1;
                t = star_t + 1;
                star = Some((star_g, star_t + 1));
            }
            (None, None) => return false,
        }
    }
    glob[g..].iter().all(|&byte| byte == b'*')
    // course:decoy star-restarts-after-mismatch After a mismatch, goes on after the mismatching byte instead of one byte after where the `*` began, so `*s.txt` misses `class.txt`.
    // // Iterative matching with one backtracking point for the last `*`, which is enough for
    // // globs (a later `*` can always take over what an earlier one would have matched).
    // let (mut g, mut t) = (0, 0);
    // let mut star: Option<(usize, usize)> = None;
    // while t < text.len() {
    //     let step = match glob.get(g) {
    //         Some(b'*') => {
    //             star = Some((g, t));
    //             g += 1;
    //             continue;
    //         }
    //         Some(b'?') => Some(g + 1),
    //         Some(b'[') => bracket(glob, g, text[t]),
    //         Some(b'\\') if g + 1 < glob.len() => (glob[g + 1] == text[t]).then_some(g + 2),
    //         Some(&byte) => (byte == text[t]).then_some(g + 1),
    //         None => None,
    //     };
    //     match (step, star) {
    //         (Some(next), _) => {
    //             g = next;
    //             t += 1;
    //         }
    //         (None, Some((star_g, _))) => {
    //             g = star_g + 1;
    //             t += 1;
    //         }
    //         (None, None) => return false,
    //     }
    // }
    // glob[g..].iter().all(|&byte| byte == b'*')
    // course:end
}

/// Matches `byte` against the bracket expression that starts at `glob[open]`; returns the index
/// after it on a match. An unterminated `[` is an ordinary character.
fn bracket(glob: &[u8], open: usize, byte: u8) -> Option<usize> {
    let mut index = open + 1;
    let negated = matches!(glob.get(index), Some(b'!' | b'^'));
    if negated {
        index += 1;
    }
    let mut found = false;
    let mut first = true;
    loop {
        let &member = glob.get(index)?;
        if member == b']' && !first {
            break;
        }
        first = false;
        if glob.get(index + 1) == Some(&b'-') && glob.get(index + 2).is_some_and(|&c| c != b']') {
            found |= (member..=glob[index + 2]).contains(&byte);
            index += 3;
        } else {
            found |= member == byte;
            index += 1;
        }
    }
    (found != negated).then_some(index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_wildcards_classes_and_escapes() {
        for (glob, name, expected) in [
            ("*.c", "main.c", true),
            ("*.c", "main.h", false),
            ("a?c", "abc", true),
            ("[ab]x", "bx", true),
            ("[!ab]x", "bx", false),
            ("[a-c]*", "cat", true),
            (r"\*", "*", true),
            ("*a*b", "xaxxb", true),
            ("*a*b", "xaxxbc", false),
        ] {
            assert_eq!(
                matches(glob.as_bytes(), name.as_bytes()),
                expected,
                "{glob} {name}"
            );
        }
    }

    #[test]
    fn glob_matches_any_tail_after_a_slash() {
        assert!(matches_name(b"*.txt", b"dir/sub/a.txt"));
        assert!(matches_name(b"sub", b"dir/sub/"));
        assert!(!matches_name(b"dir", b"dir/sub"));
    }
}
