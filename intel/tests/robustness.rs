//! Hostile feed text never panics a loader: every line is an indicator or a rejected record.

use dnshunt_intel::{Feed, FeedKind, IntelIndex};
use proptest::prelude::*;
use std::time::SystemTime;

fn fragments() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\"",
        ",",
        ", ",
        "#",
        "\n",
        "\r\n",
        "http://",
        "[",
        "]",
        ":",
        "@",
        "/",
        "%",
        "%4",
        "0.0.0.0 ",
        "127.0.0.1\t",
        "evil.example",
        "xn--",
        "ü",
        "\u{202e}",
        "'",
        "\\",
        "{",
        "}",
        "::",
        "/33",
        "None",
        "2019-08-15 13:58:10",
        "domain",
        "ip:port",
        "url",
        "=",
        " OR ",
        "[domain-name:value = '",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn loaders_never_panic(text in fragments(), random in ".{0,200}") {
        for kind in FeedKind::ALL {
            for input in [&text, &random] {
                if let Ok(feed) = Feed::load(kind, "p", "p", input, SystemTime::UNIX_EPOCH) {
                    let index = IntelIndex::build([feed]);
                    let _ = index.match_queries(&["evil.example", "0.0.0.0", "a.evil.example"]);
                }
            }
        }
    }
}
