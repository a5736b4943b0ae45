//! Text from logs, feeds and findings made visible before it reaches a terminal or a page.
//!
//! In the report, HTML escaping is the template engine's job (auto-escaping is on for every
//! value); this module handles what escaping leaves alone, and all a terminal would obey:
//! control characters (a NUL, a terminal escape, a carriage return that hides the start of a
//! line) and invisible or direction-changing characters that could make one name look like
//! another. Each is shown as a `\u{..}` escape instead.

/// `text` on one line, every control or invisible character written as `\u{..}`.
pub fn visible(text: &str) -> String {
    escape(text, false)
}

/// Like [`visible`], but keeps line breaks and tabs, for blocks such as pretty-printed JSON.
pub fn visible_block(text: &str) -> String {
    escape(text, true)
}

/// A finding's evidence pretty-printed when it is JSON, else as it is; made visible either way.
pub fn evidence(raw: &str) -> String {
    let pretty = serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok());
    visible_block(pretty.as_deref().unwrap_or(raw))
}

fn escape(text: &str, keep_layout: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if keep_layout && matches!(c, '\n' | '\t') {
            out.push(c);
        } else if hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters, zero-width characters, line and paragraph separators, and the
/// bidirectional marks, embeddings, overrides and isolates.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_invisible_characters_become_escapes() {
        assert_eq!(visible("a\u{1b}[31mb\0c\r"), "a\\u{1b}[31mb\\u{0}c\\u{d}");
        assert_eq!(visible("evil\u{202e}moc.com"), "evil\\u{202e}moc.com");
        assert_eq!(visible("line\nbreak"), "line\\u{a}break");
        assert_eq!(visible_block("line\n\tbreak\u{7}"), "line\n\tbreak\\u{7}");
        assert_eq!(
            visible("ordinary <text> & \"quotes\""),
            "ordinary <text> & \"quotes\""
        );
    }

    #[test]
    fn evidence_is_pretty_printed_when_it_is_json() {
        assert_eq!(evidence(r#"{"a":1}"#), "{\n  \"a\": 1\n}");
        assert_eq!(evidence("not json\u{1b}"), "not json\\u{1b}");
        // JSON's own escapes keep control characters out of the pretty text.
        assert_eq!(evidence(r#"{"a":"\u001b"}"#), "{\n  \"a\": \"\\u001b\"\n}");
    }
}
