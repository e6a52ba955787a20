//! Reads the markdown of notes and docs: code fences, `compile_fail` blocks and relative links.
//!
//! This is a line-based reader, not a full CommonMark parser: it knows fenced code blocks
//! (so links inside code are ignored) and inline links `[text](target)`.
//! That is enough for the rules the course enforces.

/// A fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The 1-based line of the opening fence.
    pub line: usize,
    /// The info string (`rust,compile_fail,E0382`), trimmed.
    pub info: String,
    /// The lines between the fences.
    pub body: Vec<String>,
}

impl Fence {
    /// The comma- or space-separated words of the info string.
    pub fn tags(&self) -> Vec<&str> {
        self.info
            .split([',', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// For a ` ```compile_fail,E0382 ` Rust block: the declared error code.
    pub fn compile_fail_code(&self) -> Option<&str> {
        let tags = self.tags();
        let is_rust = tags.first().is_none_or(|t| {
            *t == "rust"
                || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                || t.starts_with("compile_fail")
        });
        if !is_rust || !tags.contains(&"compile_fail") {
            return None;
        }
        tags.into_iter().find(|t| is_error_code(t))
    }
}

/// Whether `code` looks like a rustc error code, `E0382`.
pub fn is_error_code(code: &str) -> bool {
    code.len() == 5 && code.starts_with('E') && code[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Splits markdown into its fenced code blocks; also returns, per line, whether it is inside one.
pub fn fences(text: &str) -> (Vec<Fence>, Vec<bool>) {
    let mut fences = Vec::new();
    let mut in_code = Vec::new();
    let mut open: Option<(char, usize, Fence)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| trimmed.chars().take_while(|c| *c == m).count());
        match (&mut open, marker) {
            (Some((fence_char, fence_len, _)), Some(m))
                if m == *fence_char && run >= *fence_len && trimmed[run..].trim().is_empty() =>
            {
                in_code.push(true);
                if let Some((_, _, fence)) = open.take() {
                    fences.push(fence);
                }
            }
            (Some((_, _, fence)), _) => {
                in_code.push(true);
                fence.body.push(line.to_string());
            }
            (None, Some(m)) if run >= 3 => {
                in_code.push(true);
                let info = trimmed[run..].trim().to_string();
                open = Some((
                    m,
                    run,
                    Fence {
                        line: index + 1,
                        info,
                        body: Vec::new(),
                    },
                ));
            }
            (None, _) => in_code.push(false),
        }
    }
    if let Some((_, _, fence)) = open {
        fences.push(fence);
    }
    (fences, in_code)
}

/// Problems with the fences of one file, each as `line: message`: untagged fences and `rs` tags.
pub fn fence_problems(text: &str) -> Vec<String> {
    let (fences, _) = fences(text);
    let mut problems = Vec::new();
    for fence in fences {
        let tags = fence.tags();
        match tags.first() {
            None => problems.push(format!(
                "{}: code fence without a language tag (use rust, text, console, toml, sh …)",
                fence.line
            )),
            Some(&"rs") => problems.push(format!(
                "{}: code fence tagged `rs`; write `rust` so rustdoc and mdBook treat it as Rust",
                fence.line
            )),
            Some(_) => {}
        }
    }
    problems
}

/// A relative link found in markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The 1-based line.
    pub line: usize,
    /// The target as written (`../notes/01-x.md#moves`).
    pub target: String,
}

/// Inline links `[text](target)` and images outside code, skipping absolute URLs and mail links.
pub fn relative_links(text: &str) -> Vec<Link> {
    let (_, in_code) = fences(text);
    let mut links = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if in_code.get(index).copied().unwrap_or(false) {
            continue;
        }
        let line_without_code = strip_inline_code(line);
        let mut rest = line_without_code.as_str();
        while let Some(position) = rest.find("](") {
            let after = &rest[position + 2..];
            let Some(end) = after.find(')') else { break };
            let raw = after[..end].trim();
            let target = raw.split_whitespace().next().unwrap_or("");
            let target = target.trim_start_matches('<').trim_end_matches('>');
            let external = target.contains("://") || target.starts_with("mailto:");
            if !target.is_empty() && !external {
                links.push(Link {
                    line: index + 1,
                    target: target.to_string(),
                });
            }
            rest = &after[end..];
        }
    }
    links
}

fn strip_inline_code(line: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code {
            out.push(c);
        }
    }
    out
}

/// The anchors mdBook gives the headings of a file (`## Moves and copies` → `moves-and-copies`).
pub fn heading_anchors(text: &str) -> Vec<String> {
    let (_, in_code) = fences(text);
    let mut anchors: Vec<String> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if in_code.get(index).copied().unwrap_or(false) {
            continue;
        }
        let trimmed = line.trim_start();
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        if hashes == 0 || hashes > 6 || !trimmed[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(trimmed[hashes..].trim());
        let mut anchor = base.clone();
        let mut counter = 1;
        while anchors.contains(&anchor) {
            anchor = format!("{base}-{counter}");
            counter += 1;
        }
        anchors.push(anchor);
    }
    anchors
}

/// mdBook's heading id: lowercase; letters, digits, `_` and `-` kept; spaces become `-`.
pub fn slug(heading: &str) -> String {
    let text = strip_inline_code_markers(heading);
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().collect::<String>())
            } else if c.is_whitespace() {
                Some("-".to_string())
            } else {
                None
            }
        })
        .collect()
}

fn strip_inline_code_markers(heading: &str) -> String {
    heading.replace('`', "")
}

/// Turns a `compile_fail` block into a standalone program for rustc: rustdoc's hidden-line
/// prefixes (`# `) are removed and, unless the block defines `fn main`, the code is wrapped in one.
pub fn doctest_program(body: &[String]) -> String {
    let mut crate_attributes = Vec::new();
    let mut code = Vec::new();
    for line in body {
        let trimmed = line.trim_start();
        let line = if trimmed == "#" {
            String::new()
        } else if let Some(rest) = trimmed.strip_prefix("# ") {
            rest.to_string()
        } else if let Some(rest) = trimmed.strip_prefix("##") {
            format!("#{rest}")
        } else {
            line.clone()
        };
        if line.trim_start().starts_with("#![") {
            crate_attributes.push(line);
        } else {
            code.push(line);
        }
    }
    let code = code.join("\n");
    let mut program = String::from("#![allow(unused)]\n");
    for attribute in crate_attributes {
        program.push_str(&attribute);
        program.push('\n');
    }
    if code.contains("fn main") {
        program.push_str(&code);
    } else {
        program.push_str("fn main() {\n");
        program.push_str(&code);
        program.push_str("\n}");
    }
    program.push('\n');
    program
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_problems_flags_untagged_and_rs() {
        let text = "# T\n\n```\nplain\n```\n\n```rs\nfn x() {}\n```\n\n```rust\nok\n```\n\n````text\n```\n````\n";
        let problems = fence_problems(text);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("3:"));
        assert!(problems[1].starts_with("7:"));
    }

    #[test]
    fn compile_fail_code_reads_info_string() {
        let fence = |info: &str| Fence {
            line: 1,
            info: info.to_string(),
            body: vec![],
        };
        assert_eq!(
            fence("compile_fail,E0382").compile_fail_code(),
            Some("E0382")
        );
        assert_eq!(
            fence("rust,compile_fail,E0499").compile_fail_code(),
            Some("E0499")
        );
        assert_eq!(fence("rust,compile_fail").compile_fail_code(), None);
        assert_eq!(fence("text,compile_fail,E0382").compile_fail_code(), None);
        assert_eq!(fence("rust").compile_fail_code(), None);
    }

    #[test]
    fn relative_links_skip_code_and_urls() {
        let text = "See [a](../notes/a.md#x) and [b](https://x.org).\n`[c](c.md)`\n```text\n[d](d.md)\n```\n![img](img/p.png)\n";
        let links = relative_links(text);
        let targets: Vec<&str> = links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["../notes/a.md#x", "img/p.png"]);
        assert_eq!(links[1].line, 6);
    }

    #[test]
    fn heading_anchors_follow_mdbook_ids() {
        let text = "# Moves and copies\n## `Copy` types!\n## Moves and copies\n```rust\n# not a heading\n```\n";
        assert_eq!(
            heading_anchors(text),
            ["moves-and-copies", "copy-types", "moves-and-copies-1"]
        );
    }

    #[test]
    fn doctest_program_strips_hidden_lines_and_wraps() {
        let body: Vec<String> = ["# let x = 1;", "let y = x;", "##[derive(Debug)]"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let program = doctest_program(&body);
        assert!(program.contains("fn main() {\nlet x = 1;\nlet y = x;\n#[derive(Debug)]\n}"));
        let with_main = vec!["fn main() {}".to_string()];
        assert_eq!(doctest_program(&with_main).matches("fn main").count(), 1);
    }
}
