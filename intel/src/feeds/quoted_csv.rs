//! The CSV dialect of the abuse.ch dumps: every field double-quoted (`""` escapes a quote), fields
//! separated by a comma and, in ThreatFox exports, a space, headers commented out with `# `.
//!
//! A reader of our own, one line at a time, because line numbers are what a rejected record is
//! reported by, and the dumps never put a line break inside a field.

/// The fields of one line. Spaces before a field are skipped (ThreatFox's `", "`); unquoted
/// fields are taken as they are, up to the next comma.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut rest = line.trim_end_matches(['\r', '\n']);
    loop {
        rest = rest.trim_start_matches(' ');
        if let Some(quoted) = rest.strip_prefix('"') {
            let (field, after) = read_quoted(quoted)?;
            fields.push(field);
            let after = after.trim_start_matches(' ');
            match after.strip_prefix(',') {
                Some(next) => rest = next,
                None if after.is_empty() => return Ok(fields),
                None => {
                    return Err(format!(
                        "text after a closing quote in field {}",
                        fields.len()
                    ));
                }
            }
        } else if let Some((field, next)) = rest.split_once(',') {
            fields.push(field.to_owned());
            rest = next;
        } else {
            fields.push(rest.to_owned());
            return Ok(fields);
        }
    }
}

/// The content of a quoted field (its opening quote already gone) and what follows it.
fn read_quoted(text: &str) -> Result<(String, &str), String> {
    let mut field = String::new();
    let mut rest = text;
    loop {
        let Some(quote) = rest.find('"') else {
            return Err("a quoted field is not closed".to_owned());
        };
        field.push_str(&rest[..quote]);
        let after = &rest[quote + 1..];
        if let Some(escaped) = after.strip_prefix('"') {
            field.push('"');
            rest = escaped;
        } else {
            return Ok((field, after));
        }
    }
}

/// Column positions by name, from a commented header line (`# id,dateadded,...`).
pub fn header(line: &str) -> Result<Vec<String>, String> {
    let line = line.trim_start_matches('#').trim();
    Ok(split(line)?
        .into_iter()
        .map(|name| name.trim().to_owned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields_with_commas_and_quotes() {
        assert_eq!(
            split(r#""1","http://x.example/a,b","elf,mips","say ""hi""""#).unwrap(),
            ["1", "http://x.example/a,b", "elf,mips", "say \"hi\""]
        );
        assert_eq!(
            split(r#""a", "b",  "", plain"#).unwrap(),
            ["a", "b", "", "plain"]
        );
        assert_eq!(split("a,,b\r").unwrap(), ["a", "", "b"]);
        assert!(split(r#""open"#).is_err());
        assert!(split(r#""a"x,"b""#).is_err());
    }

    #[test]
    fn reads_commented_headers() {
        assert_eq!(
            header(r#"# "first_seen_utc", "ioc_id""#).unwrap(),
            ["first_seen_utc", "ioc_id"]
        );
        assert_eq!(
            header("# id,dateadded,url").unwrap(),
            ["id", "dateadded", "url"]
        );
    }
}
