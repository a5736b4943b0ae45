//! Indicator values out of feed text: host names, addresses, networks, and the host of a URL.
//!
//! Names go through `dnshunt_features` normalization (lower case, trailing dot, IDNA to punycode),
//! so an indicator and a logged query are compared in the same form. Addresses are printed
//! canonically, with IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) turned into IPv4.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use dnshunt_features::normalize_one;

use crate::indicator::IndicatorValue;

/// An address in canonical form, or `None` when `text` is not one. Accepts `[v6]` brackets.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(text);
    text.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// A network `address/prefix`, host bits cleared (`192.0.2.7/24` gives `192.0.2.0/24`).
pub fn parse_cidr(text: &str) -> Result<IndicatorValue, String> {
    let (address, prefix) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not address/prefix"))?;
    let ip = parse_ip(address).ok_or_else(|| format!("{address:?} is not an IP address"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix: u8 = prefix
        .parse()
        .ok()
        .filter(|&p| p <= max)
        .ok_or_else(|| format!("prefix {prefix:?} is not a number from 0 to {max}"))?;
    Ok(if prefix == max {
        IndicatorValue::Ip(ip)
    } else {
        IndicatorValue::Cidr(network(ip, prefix), prefix)
    })
}

/// The first address of the `prefix`-bit network holding `ip`.
pub fn network(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(mask_v4(u32::from(v4), prefix))),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(mask_v6(u128::from(v6), prefix))),
    }
}

/// `bits` with all but the first `prefix` bits cleared.
pub(crate) fn mask_v4(bits: u32, prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        32.. => bits,
        _ => bits & (u32::MAX << (32 - u32::from(prefix))),
    }
}

/// `bits` with all but the first `prefix` bits cleared.
pub(crate) fn mask_v6(bits: u128, prefix: u8) -> u128 {
    match prefix {
        0 => 0,
        128.. => bits,
        _ => bits & (u128::MAX << (128 - u32::from(prefix))),
    }
}

/// A host name or an address. Names must be valid DNS names once normalized.
pub fn parse_host(text: &str) -> Result<IndicatorValue, String> {
    if let Some(ip) = parse_ip(text) {
        return Ok(IndicatorValue::Ip(ip));
    }
    let batch = normalize_one(text);
    let Some(name) = batch.get(0) else {
        return Err("empty host".to_owned());
    };
    if let Some(reason) = name.invalid {
        return Err(format!(
            "{:?} is not a valid host name ({})",
            name.query,
            reason.as_str()
        ));
    }
    if name.query.is_empty() {
        return Err("the root is not a host".to_owned());
    }
    if name.registered_domain.is_none() && name.label_count > 1 {
        // `co.uk` alone would make every name under it a parent-domain match.
        return Err(format!("{:?} is a public suffix, not a host", name.query));
    }
    Ok(IndicatorValue::Domain(name.query.to_owned()))
}

/// An address, a network or a host name: what a plain list line or a STIX value holds.
pub fn parse_value(text: &str) -> Result<IndicatorValue, String> {
    if text.contains('/') {
        parse_cidr(text)
    } else {
        parse_host(text)
    }
}

/// The host of a URL as an indicator: scheme, user info, port, path, query and fragment removed,
/// percent escapes in the host decoded, IPv6 literals unbracketed, names normalized (IDNA).
/// A URL without a scheme (`evil.example/x`) is read as if it had one.
pub fn host_of_url(url: &str) -> Result<IndicatorValue, String> {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(at) if is_scheme(&url[..at]) => &url[at + 3..],
        Some(_) => return Err(format!("{url:?} has a malformed scheme")),
        None => url,
    };
    // Browsers treat `\` like `/` in http(s) URLs, and malware links rely on it.
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        let (inner, after) = bracketed
            .split_once(']')
            .ok_or_else(|| format!("{url:?} has an unclosed IPv6 literal"))?;
        check_port(after, url)?;
        return inner
            .parse::<Ipv6Addr>()
            .map(|ip| IndicatorValue::Ip(IpAddr::V6(ip).to_canonical()))
            .map_err(|_| format!("{url:?} has an invalid IPv6 literal [{inner}]"));
    } else if let Some((host, port)) = host_port.rsplit_once(':') {
        check_port(&format!(":{port}"), url)?;
        host
    } else {
        host_port
    };
    if host.is_empty() {
        return Err(format!("{url:?} has no host"));
    }
    let host = percent_decode(host)?;
    if let Some(address) = url_ipv4(&host) {
        return address
            .map(|ip| IndicatorValue::Ip(IpAddr::V4(ip)))
            .map_err(|reason| format!("in URL {url:?}: {reason}"));
    }
    parse_host(&host).map_err(|reason| format!("in URL {url:?}: {reason}"))
}

/// The IPv4 address a browser reads in a URL host that ends in a number (WHATWG URL):
/// `2130706433`, `0x7f000001`, `127.1` and `0177.0.0.1` are all 127.0.0.1. `None` when the host
/// is a name; an error when it ends in a number but is no address (browsers refuse the URL).
fn url_ipv4(host: &str) -> Option<Result<Ipv4Addr, String>> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    let last = *parts.last()?;
    let numeric = !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit())
            || last
                .strip_prefix("0x")
                .or_else(|| last.strip_prefix("0X"))
                .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit())));
    if !numeric {
        return None;
    }
    let refuse = || {
        Err(format!(
            "{host:?} ends in a number but is not an IPv4 address"
        ))
    };
    if parts.len() > 4 {
        return Some(refuse());
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        let value = if digits.is_empty() {
            Ok(0)
        } else {
            u64::from_str_radix(digits, radix)
        };
        match value {
            Ok(value) => numbers.push(value),
            Err(_) => return Some(refuse()),
        }
    }
    // All parts but the last are one byte each; the last fills the bytes left.
    let (last, leading) = numbers.split_last()?;
    if leading.iter().any(|&n| n > 255) || *last >= 1 << (8 * (5 - numbers.len())) {
        return Some(refuse());
    }
    let mut address = *last;
    for (i, &n) in leading.iter().enumerate() {
        address += n << (8 * (3 - i));
    }
    Some(Ok(Ipv4Addr::from(u32::try_from(address).ok()?)))
}

fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Accepts nothing, `:` alone, or `:` and a port number.
fn check_port(after_host: &str, url: &str) -> Result<(), String> {
    match after_host.strip_prefix(':') {
        None if after_host.is_empty() => Ok(()),
        Some("") => Ok(()),
        Some(port) if port.parse::<u16>().is_ok() => Ok(()),
        _ => Err(format!("{url:?} has an invalid port")),
    }
}

fn percent_decode(host: &str) -> Result<String, String> {
    if !host.contains('%') {
        return Ok(host.to_owned());
    }
    let bytes = host.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = host
                .get(at + 1..at + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent escape in host {host:?}"))?;
            out.push(hex);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("host {host:?} decodes to invalid UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(url: &str) -> String {
        match host_of_url(url).unwrap() {
            IndicatorValue::Domain(name) => name,
            IndicatorValue::Ip(ip) => ip.to_string(),
            IndicatorValue::Cidr(ip, len) => format!("{ip}/{len}"),
        }
    }

    #[test]
    fn takes_the_host_out_of_urls() {
        assert_eq!(host("http://asdklgb.ga/PurchaseOrder.exe"), "asdklgb.ga");
        assert_eq!(
            host("HTTPS://User:Pw@Evil.Example.:8080/a?b#c"),
            "evil.example"
        );
        assert_eq!(host("http://192.0.2.7:443/x"), "192.0.2.7");
        assert_eq!(host("http://[2001:DB8::1]:80/x"), "2001:db8::1");
        assert_eq!(host("http://[::ffff:192.0.2.1]/"), "192.0.2.1");
        assert_eq!(host("http://bücher.de/x"), "xn--bcher-kva.de");
        assert_eq!(host("http://evil.example\\@good.example/"), "evil.example");
        assert_eq!(host("evil.example/path"), "evil.example");
        assert_eq!(host("http://%65vil.example/"), "evil.example");
        assert_eq!(host("http://a@b@evil.example/"), "evil.example");
    }

    #[test]
    fn numeric_url_hosts_are_the_addresses_browsers_read() {
        for url in [
            "http://2130706433/x",
            "http://0x7f000001/",
            "http://127.1/",
            "http://0177.0.0.1/",
            "http://0x7f.0.0.1./",
        ] {
            assert_eq!(host(url), "127.0.0.1", "{url}");
        }
        assert_eq!(host("http://198.51.100.7:8080/a"), "198.51.100.7");
        for url in [
            "http://1.2.3.4.5/",
            "http://256.1.1.1/",
            "http://a.09/",
            "http://1.2.65536/",
        ] {
            assert!(host_of_url(url).is_err(), "{url}");
        }
        // A label that only looks numeric in part stays a name.
        assert_eq!(host("http://1x.example/"), "1x.example");
    }

    #[test]
    fn refuses_urls_without_a_usable_host() {
        for url in [
            "http:///x",
            "http://evil.example:99999/",
            "http://[2001:db8::1/",
            "http://a b.example/",
            "1http://x.example/",
            "http://co.uk/",
            "http://%zz.example/",
        ] {
            assert!(host_of_url(url).is_err(), "{url}");
        }
    }

    #[test]
    fn networks_clear_host_bits() {
        assert_eq!(
            parse_cidr("192.0.2.77/24").unwrap(),
            IndicatorValue::Cidr("192.0.2.0".parse().unwrap(), 24)
        );
        assert_eq!(
            parse_cidr("2001:db8::1/32").unwrap(),
            IndicatorValue::Cidr("2001:db8::".parse().unwrap(), 32)
        );
        assert_eq!(
            parse_cidr("192.0.2.1/32").unwrap(),
            IndicatorValue::Ip("192.0.2.1".parse().unwrap())
        );
        // Parsed here; `Feed::load` refuses networks this wide.
        assert_eq!(
            parse_cidr("10.1.2.3/0").unwrap(),
            IndicatorValue::Cidr("0.0.0.0".parse().unwrap(), 0)
        );
        assert!(parse_cidr("192.0.2.0/33").is_err());
        assert!(parse_cidr("evil.example/24").is_err());
    }
}
