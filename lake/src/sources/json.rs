//! Helpers shared by the JSON sources: typed field access with reasons that name the field.

use serde_json::{Map, Value};

pub type Object = Map<String, Value>;

/// Parses a line as a JSON object.
pub fn object(line: &str) -> Result<Object, String> {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("not a JSON object".to_owned()),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

/// An optional string field; present with another type is an error.
pub fn opt_str<'a>(obj: &'a Object, key: &str) -> Result<Option<&'a str>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!(
            "field `{key}` should be a string, found {}",
            kind(other)
        )),
    }
}

/// An optional field rendered as text: strings as they are, numbers in decimal.
pub fn opt_text(obj: &Object, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(format!(
            "field `{key}` should be a string or number, found {}",
            kind(other)
        )),
    }
}

/// An optional integer field.
pub fn opt_i64(obj: &Object, key: &str) -> Result<Option<i64>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("field `{key}` should be an integer, found {n}")),
        Some(other) => Err(format!(
            "field `{key}` should be an integer, found {}",
            kind(other)
        )),
    }
}

/// Seconds since the epoch (integer or fraction) as microseconds, rejecting absurd values.
pub fn epoch_seconds_to_micros(key: &str, value: &Value) -> Result<i64, String> {
    let seconds = value.as_f64().ok_or_else(|| {
        format!(
            "field `{key}` should be a number of seconds, found {}",
            kind(value)
        )
    })?;
    seconds_to_micros(key, seconds)
}

/// [`epoch_seconds_to_micros`] of a number already read.
pub fn seconds_to_micros(key: &str, seconds: f64) -> Result<i64, String> {
    super::epoch_micros(seconds).ok_or_else(|| format!("field `{key}` is out of range: {seconds}"))
}

/// A string or an array of strings as a list (`rdata` and Zeek `answers`).
pub fn string_list(obj: &Object, key: &str) -> Result<Vec<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "field `{key}` should hold strings, found {}",
                    kind(other)
                )),
            })
            .collect(),
        Some(other) => Err(format!(
            "field `{key}` should be a list of strings, found {}",
            kind(other)
        )),
    }
}

/// A JSON type name for error messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An RFC 3339 / ISO 8601 time, with `Z`, `+00:00` or `+0000` offsets, as UTC microseconds.
pub fn iso_to_micros(key: &str, text: &str) -> Result<i64, String> {
    let parsed = chrono::DateTime::parse_from_rfc3339(text)
        .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map_err(|e| format!("field `{key}` is not an ISO 8601 time ({e}): {text}"))?;
    super::check_time(parsed.timestamp_micros(), text)
}
