//! Tests of the callback codec with a sample feature enum, and a fuzz run of
//! the core enum's decoder.

use super::*;
use crate::telegram::core_callback::CoreCallback;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

/// A feature's callbacks, with a string argument and a flag.
#[derive(Debug, Clone, PartialEq)]
enum Sample {
    Search { phrase: String, exact: bool },
    Delete(i64),
}

impl Callback for Sample {
    const TAG: &'static str = "eb";
    const VERSION: u8 = 3;

    fn write(&self, w: &mut CallbackWriter) {
        match self {
            Sample::Search { phrase, exact } => w.variant("s").str(phrase).bool(*exact),
            Sample::Delete(id) => w.variant("d").i64(*id),
        };
    }

    fn read(r: &mut CallbackReader<'_>) -> Option<Self> {
        match r.variant()? {
            "s" => Some(Sample::Search {
                phrase: r.str()?,
                exact: r.bool()?,
            }),
            "d" => Some(Sample::Delete(r.i64()?)),
            _ => None,
        }
    }
}

/// Another feature reusing the same variant names under another tag.
struct Other;

impl Callback for Other {
    const TAG: &'static str = "vk";
    const VERSION: u8 = 3;

    fn write(&self, w: &mut CallbackWriter) {
        w.variant("d").i64(1);
    }

    fn read(r: &mut CallbackReader<'_>) -> Option<Self> {
        (r.variant()? == "d" && r.i64()? == 1).then_some(Other)
    }
}

fn search(phrase: &str) -> Sample {
    Sample::Search {
        phrase: phrase.to_string(),
        exact: true,
    }
}

#[test]
fn strings_are_escaped_and_round_trip() {
    let value = search("a:b%3A:%");
    let data = encode(&value).expect("fits");
    assert_eq!(data, "eb3:s:a%3Ab%253A%3A%25:1");
    assert_eq!(decode::<Sample>(&data), Some(value));
    for phrase in ["", ":", "%", "%%", "::", "ноутбук", "🎧 sony: wh-1000xm5"] {
        let value = search(phrase);
        assert_eq!(
            decode::<Sample>(&encode(&value).expect("fits")),
            Some(value)
        );
    }
}

#[test]
fn the_longest_string_that_fits_is_accepted_and_one_more_byte_is_not() {
    // "eb3:s:" + phrase + ":1" = 8 bytes of framing.
    let fits = "x".repeat(MAX_CALLBACK_BYTES - 8);
    let data = encode(&search(&fits)).expect("exactly 64 bytes");
    assert_eq!(data.len(), MAX_CALLBACK_BYTES);
    assert_eq!(decode::<Sample>(&data), Some(search(&fits)));

    let too_long = "x".repeat(MAX_CALLBACK_BYTES - 7);
    assert_eq!(
        encode(&search(&too_long)),
        Err(CallbackTooLong { tag: "eb", len: 65 })
    );
    // Escapes count: 19 colons become 57 bytes.
    assert_eq!(encode(&search(&":".repeat(19))).map_err(|e| e.len), Err(65));
    // Multi-byte characters count in bytes, not characters.
    assert!(encode(&search(&"ж".repeat(28))).is_ok());
    assert!(encode(&search(&"ж".repeat(29))).is_err());
}

#[test]
fn foreign_versions_and_leftovers_are_rejected() {
    let data = encode(&Sample::Delete(-5)).expect("fits");
    assert_eq!(data, "eb3:d:-5");
    assert_eq!(decode::<Sample>(&data), Some(Sample::Delete(-5)));
    assert!(decode::<Other>(&data).is_none());
    assert!(decode::<CoreCallback>(&data).is_none());
    assert!(decode::<Sample>(&encode(&Other).expect("fits")).is_none());
    for bad in [
        "eb2:d:-5",
        "eb4:d:-5",
        "eb3:d:-5:",
        "eb3:d:-5:1",
        "eb3:d",
        "eb3:s:x",
        "eb3:s:x:2",
        "eb3:s:x:true",
        "eb3:s:%3a:1",
        "eb3:s:%3:1",
        "eb3:s:%:1",
        "eb3:s:%2",
        "eb3:x:1",
    ] {
        assert_eq!(decode::<Sample>(bad), None, "{bad:?} decoded");
    }
    assert_eq!(tag_of(&data), Some(("eb", 3)));
}

proptest! {
    #[test]
    fn any_fitting_string_round_trips(phrase in ".{0,40}", exact in any::<bool>()) {
        let value = Sample::Search { phrase, exact };
        match encode(&value) {
            Ok(data) => {
                prop_assert!(data.len() <= MAX_CALLBACK_BYTES);
                prop_assert_eq!(decode::<Sample>(&data), Some(value));
            }
            Err(e) => prop_assert!(e.len > MAX_CALLBACK_BYTES),
        }
    }
}

/// SplitMix64: a tiny deterministic generator, so a failing input can be
/// reproduced from its index.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PIECES: &[&str] = &[
    "c",
    "c1",
    "c0",
    "c2",
    "eb3",
    ":",
    "::",
    "-",
    "0",
    "1",
    "z",
    "Z",
    "%",
    "%25",
    "%3A",
    "%3a",
    "m",
    "s",
    "l",
    "up",
    "ap",
    "dn",
    "sr",
    "jp",
    "rj",
    "dj",
    "cf",
    "x",
    "n",
    "en",
    "ru",
    "a",
    "r",
    "1y2p0ij32e8e8",
    "1y2p0ij32e8e7",
    "1z141z3",
    "1z141z4",
    "3w5e11264sgsf",
    "zzzzzzzzzzzzzz",
    "ж",
    "🎧",
    " ",
    "\n",
    "\0",
];

fn random_input(rng: &mut Rng, valid: &[String]) -> String {
    match rng.below(4) {
        0 => {
            let bytes: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        1 => (0..rng.below(70))
            .map(|_| char::from(b' ' + rng.below(95) as u8))
            .collect(),
        2 => {
            let mut s = String::from("c1:");
            for _ in 0..rng.below(6) {
                s.push_str(rng.pick(PIECES));
            }
            s
        }
        _ => {
            let mut chars: Vec<char> = valid[rng.below(valid.len())].chars().collect();
            for _ in 0..=rng.below(3) {
                let at = rng.below(chars.len() + 1);
                let piece = rng.pick(PIECES).chars().next().unwrap_or(':');
                match rng.below(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = piece,
                    _ => chars.insert(at, piece),
                }
            }
            chars.into_iter().collect()
        }
    }
}

#[test]
fn decoding_100k_random_inputs_never_panics_and_accepts_only_canonical_data() {
    let mut rng = Rng(0x5eed);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = crate::telegram::core_callback::tests::any_core();
    let valid: Vec<String> = (0..200)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("strategy")
                .current()
                .data()
        })
        .collect();
    let mut accepted = 0;
    for i in 0..100_000 {
        let input = random_input(&mut rng, &valid);
        let _ = tag_of(&input);
        let _ = decode::<Sample>(&input);
        if let Some(value) = decode::<CoreCallback>(&input) {
            accepted += 1;
            assert_eq!(value.data(), input, "input #{i} is not canonical");
        }
    }
    // The mutations must exercise the accepting paths too, not only rejections.
    assert!(accepted > 1_000, "only {accepted} inputs decoded");
}
