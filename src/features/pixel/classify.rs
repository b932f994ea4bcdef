//! Who opened: a person, a mail provider's image proxy, Apple's privacy
//! prefetch or a security scanner. A pure, explainable rule over the user
//! agent, the client address and the seconds since the scheduled send.

use std::net::IpAddr;

/// The kind of a hit. Only `Human` counts as an open in reports; the others
/// are reported separately as machine opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A mail client showing the message.
    Human,
    /// Gmail / Yahoo image proxy: a person opened, but the proxy caches.
    Proxy,
    /// Apple Mail Privacy Protection fetching every image after delivery.
    Prefetch,
    /// A link/attachment scanner, a script, or a hit right after the send.
    Scanner,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 4] = [Kind::Human, Kind::Proxy, Kind::Prefetch, Kind::Scanner];

    /// The stored name (`pixel_opens.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Human => "human",
            Kind::Proxy => "proxy",
            Kind::Prefetch => "prefetch",
            Kind::Scanner => "scanner",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Hits this soon after the scheduled send are scanners: no person opens a
/// message within seconds of its delivery, gateways do.
pub const SCANNER_WINDOW_SECS: i64 = 10;

const PROXY_AGENTS: [&str; 3] = ["googleimageproxy", "yahoomailproxy", "via ggpht.com"];

const SCANNER_AGENTS: [&str; 15] = [
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "go-http-client",
    "java/",
    "libwww-perl",
    "okhttp",
    "headlesschrome",
    "phantomjs",
    "barracuda",
    "proofpoint",
    "mimecast",
    "safelinks",
    "bingpreview",
];

/// Classifies one hit. `since_send` is the hit time minus the contact's
/// scheduled send time, in seconds (`None` when no send time is known).
///
/// Rules, first match wins:
/// 1. a Gmail/Yahoo proxy agent → `Proxy`;
/// 2. an Apple address (17.0.0.0/8) or the bare `Mozilla/5.0` agent Apple's
///    relays send → `Prefetch`;
/// 3. an empty agent, a known scanner/script agent, or a hit within
///    [`SCANNER_WINDOW_SECS`] after the send → `Scanner`;
/// 4. otherwise `Human`.
pub fn classify(user_agent: &str, ip: Option<IpAddr>, since_send: Option<i64>) -> Kind {
    let agent = user_agent.trim();
    let lower = agent.to_ascii_lowercase();
    if PROXY_AGENTS.iter().any(|p| lower.contains(p)) {
        return Kind::Proxy;
    }
    let apple_net = matches!(ip, Some(IpAddr::V4(v4)) if v4.octets()[0] == 17);
    if apple_net || agent == "Mozilla/5.0" {
        return Kind::Prefetch;
    }
    let early = since_send.is_some_and(|s| (0..SCANNER_WINDOW_SECS).contains(&s));
    if agent.is_empty() || early || SCANNER_AGENTS.iter().any(|s| lower.contains(s)) {
        return Kind::Scanner;
    }
    Kind::Human
}

/// The address as stored: with `anonymize`, IPv4 keeps its /24 and IPv6 its
/// /48, the rest zeroed.
pub fn mask_ip(ip: IpAddr, anonymize: bool) -> IpAddr {
    if !anonymize {
        return ip;
    }
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::from([a, b, c, 0])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::from([s[0], s[1], s[2], 0, 0, 0, 0, 0])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IPHONE_MAIL: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    const GMAIL: &str =
        "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
    const OUTLOOK: &str = "Mozilla/4.0 (compatible; ms-office; MSOffice 16)";
    const OUTLOOK_DESKTOP: &str =
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)";
    const THUNDERBIRD: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.5.0";
    const SAFE_LINKS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0";
    const HEADLESS: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/119.0.6045.105 Safari/537.36";
    const YAHOO: &str = "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html";

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    #[test]
    fn proxies_are_recognised_by_agent() {
        assert_eq!(classify(GMAIL, ip("66.249.84.1"), Some(3600)), Kind::Proxy);
        assert_eq!(classify(YAHOO, ip("98.137.1.1"), None), Kind::Proxy);
        // A proxy fetch right after the send is still the proxy.
        assert_eq!(classify(GMAIL, ip("66.249.84.1"), Some(2)), Kind::Proxy);
    }

    #[test]
    fn apple_relay_is_prefetch() {
        assert_eq!(
            classify("Mozilla/5.0", ip("172.225.1.1"), Some(120)),
            Kind::Prefetch
        );
        assert_eq!(
            classify(IPHONE_MAIL, ip("17.58.1.10"), Some(900)),
            Kind::Prefetch
        );
    }

    #[test]
    fn mail_clients_are_human() {
        for agent in [IPHONE_MAIL, OUTLOOK, OUTLOOK_DESKTOP, THUNDERBIRD] {
            assert_eq!(
                classify(agent, ip("203.0.113.9"), Some(3600)),
                Kind::Human,
                "{agent}"
            );
            assert_eq!(classify(agent, None, None), Kind::Human, "{agent}");
        }
        let v6 = ip("2001:db8::1");
        assert_eq!(
            classify(OUTLOOK, v6, Some(SCANNER_WINDOW_SECS)),
            Kind::Human
        );
        // A hit before the scheduled time (clock skew, early send) is not a scanner.
        assert_eq!(classify(OUTLOOK, v6, Some(-30)), Kind::Human);
    }

    #[test]
    fn scanners_scripts_and_empty_agents() {
        // Safe Links uses a normal browser agent but fetches within seconds.
        assert_eq!(
            classify(SAFE_LINKS, ip("40.94.1.1"), Some(1)),
            Kind::Scanner
        );
        assert_eq!(
            classify(SAFE_LINKS, ip("40.94.1.1"), Some(7200)),
            Kind::Human
        );
        assert_eq!(
            classify(HEADLESS, ip("52.1.1.1"), Some(7200)),
            Kind::Scanner
        );
        assert_eq!(
            classify("curl/8.5.0", ip("198.51.100.1"), None),
            Kind::Scanner
        );
        assert_eq!(classify("", ip("198.51.100.1"), Some(9999)), Kind::Scanner);
        assert_eq!(classify("   ", None, None), Kind::Scanner);
        assert_eq!(
            classify("Mozilla/5.0 (compatible; Barracuda Sentinel)", None, None),
            Kind::Scanner
        );
    }

    #[test]
    fn kinds_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("robot"), None);
    }

    #[test]
    fn masking_keeps_the_network_part() {
        let v4: IpAddr = "203.0.113.77".parse().expect("ip");
        assert_eq!(mask_ip(v4, true).to_string(), "203.0.113.0");
        assert_eq!(mask_ip(v4, false), v4);
        let v6: IpAddr = "2001:db8:abcd:12:34::1".parse().expect("ip");
        assert_eq!(mask_ip(v6, true).to_string(), "2001:db8:abcd::");
    }
}
