//! Signing against published vectors, and its verifiers against tampering.
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use seriesguard::input::Value;
use seriesguard::range::{validate, SeriesRules};
use seriesguard::signing::{
    fingerprint, fingerprint_input, hmac_sha256, mor_hash, param_text, sha1_hex, sha256_hex,
    verify_hmac_sha256, verify_mor_hash, Encoding, SeriesType,
};

#[test]
fn fips_180_examples() {
    // FIPS 180-2 appendix A (SHA-1) and B (SHA-256): one block and two blocks.
    let two_blocks = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_eq!(
        sha1_hex(two_blocks),
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    );
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(two_blocks),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

#[test]
fn rfc_4231_hmac_sha256() {
    let key25: Vec<u8> = (1..=25).collect();
    let cases: [(&[u8], &[u8], &str); 6] = [
        (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (&key25, &[0xcd; 50], "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (&[0xaa; 131], b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ];
    for (key, data, want) in cases {
        assert_eq!(hmac_sha256(key, data, Encoding::Hex).unwrap(), want);
        assert!(verify_hmac_sha256(key, data, want).unwrap());
    }
}

#[test]
fn mor_examples_reproduce() {
    // MOR API calling_cards_create: u=admin, secret "secret", card_group_id=1,
    // cards_from=1000000025, cards_till=1000000035.
    assert_eq!(
        mor_hash(&["1", "1000000025", "1000000035"], "secret").unwrap(),
        "7e112ededcfee097cce21b6201c6d2a00dda1f4c"
    );
    // MOR API hash construction page: user 123, period_start 1252454580,
    // calltype answered, secret "Very Sercet Key" (sic).
    assert_eq!(
        mor_hash(&["123", "1252454580", "answered"], "Very Sercet Key").unwrap(),
        "b93c35d5c6183288322122561a3da7e09abb63b7"
    );
}

#[test]
fn mor_verification_answers_false_for_anything_but_the_exact_hash() {
    let params = ["1", "1000000025", "1000000035"];
    let good = "7e112ededcfee097cce21b6201c6d2a00dda1f4c";
    assert!(verify_mor_hash(&params, "secret", good).unwrap());
    for bad in [
        "7E112EDEDCFEE097CCE21B6201C6D2A00DDA1F4C",  // uppercase
        "7e112ededcfee097cce21b6201c6d2a00dda1f4",   // short
        "7e112ededcfee097cce21b6201c6d2a00dda1f4c0", // long
        "7e112ededcfee097cce21b6201c6d2a00dda1f4g",  // not hex
        "",
        "é",
    ] {
        assert!(!verify_mor_hash(&params, "secret", bad).unwrap(), "{bad:?}");
    }
    assert!(!verify_mor_hash(&params, "Secret", good).unwrap());
    assert!(!verify_mor_hash(&["1", "1000000035", "1000000025"], "secret", good).unwrap());
    assert_eq!(mor_hash(&params, "").unwrap_err().code(), "SECRET_REQUIRED");
}

#[test]
fn hmac_outputs_and_verification() {
    let hex = hmac_sha256(b"Jefe", b"what do ya want for nothing?", Encoding::Hex).unwrap();
    let b64 = hmac_sha256(
        b"Jefe",
        b"what do ya want for nothing?",
        Encoding::Base64Url,
    )
    .unwrap();
    assert_eq!(b64, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
    assert!(verify_hmac_sha256(b"Jefe", b"what do ya want for nothing?", &b64).unwrap());
    assert!(!verify_hmac_sha256(b"Jefe", b"what do ya want for nothing!", &hex).unwrap());
    assert!(!verify_hmac_sha256(
        b"Jefe",
        b"what do ya want for nothing?",
        &hex.to_uppercase()
    )
    .unwrap());
    assert!(
        !verify_hmac_sha256(b"Jefe", b"what do ya want for nothing?", &format!("{b64}=")).unwrap()
    );
    assert_eq!(
        hmac_sha256(b"", b"m", Encoding::Hex).unwrap_err().code(),
        "KEY_REQUIRED"
    );
    assert_eq!(
        Encoding::from_value(Value::Text("base32"))
            .unwrap_err()
            .code(),
        "ENCODING_INVALID"
    );
}

#[test]
fn mor_hash_at_each_length_around_the_block_limits() {
    use sha1::Digest;
    for n in 1..=200 {
        let secret: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let expected: String = sha1::Sha1::digest(format!("7{secret}").as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(mor_hash(&["7"], &secret).unwrap(), expected, "{n} bytes");
    }
}

#[test]
fn base64url_matches_rfc_4648_vectors() {
    // RFC 4648 §10, without padding, in the URL-safe alphabet.
    for (input, want) in [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(Encoding::Base64Url.encode(input.as_bytes()), want);
    }
    assert_eq!(Encoding::Base64Url.encode(&[0xfb, 0xef, 0xff]), "--__");
}

#[test]
fn params_are_strings_or_exact_integers() {
    assert_eq!(param_text(Value::Number(1.0), 0).unwrap(), "1");
    assert_eq!(
        param_text(Value::BigInt(Some(10u128.pow(30))), 0).unwrap(),
        "1".to_owned() + &"0".repeat(30)
    );
    for bad in [
        Value::Number(1.5),
        Value::Number(f64::NAN),
        Value::Number(-1.0),
        Value::BigInt(None),
        Value::Absent,
        Value::Object,
    ] {
        assert_eq!(param_text(bad, 2).unwrap_err().code(), "PARAMS_INVALID");
    }
    assert!(param_text(Value::Object, 2)
        .unwrap_err()
        .to_string()
        .contains("element 2 is object"));
}

fn print(start: &str, end: &str, item: &str, kind: Value) -> Result<String, Vec<&'static str>> {
    fingerprint_input(
        Value::Text(start),
        Value::Text(end),
        Value::Text(item),
        kind,
        &SeriesRules::default(),
    )
    .map_err(|issues| issues.iter().map(|i| i.code()).collect())
}

#[test]
fn fingerprints_are_equal_exactly_for_equivalent_series() {
    let base = print("V10000051", "V10000060", "P7WJEJANkt", Value::Absent).unwrap();
    assert_eq!(base.len(), 64);
    assert_eq!(
        print(
            " V10000051 ",
            "V10000060\t",
            " P7WJEJANkt",
            Value::Text("virtual")
        )
        .unwrap(),
        base
    );
    for other in [
        print("V010000051", "V010000060", "P7WJEJANkt", Value::Absent),
        print("V10000051", "V10000061", "P7WJEJANkt", Value::Absent),
        print("W10000051", "W10000060", "P7WJEJANkt", Value::Absent),
        print("V10000051", "V10000060", "P7WJEJANkT", Value::Absent),
        print(
            "V10000051",
            "V10000060",
            "P7WJEJANkt",
            Value::Text("physical"),
        ),
        print("V10000051X", "V10000060X", "P7WJEJANkt", Value::Absent),
    ] {
        assert_ne!(other.unwrap(), base);
    }
    assert_eq!(
        print("V2", "V1", "x", Value::Text("digital")),
        Err(vec!["START_AFTER_END", "TYPE_INVALID"])
    );
    // A value cannot pose as another field: lengths are part of the canonical form.
    let rules = SeriesRules::default();
    let range = validate(Value::Text("V1"), Value::Text("V2"), &rules)
        .range
        .unwrap();
    assert_ne!(
        fingerprint(&range, "a\ntype:7:virtual", SeriesType::Physical),
        fingerprint(&range, "a", SeriesType::Virtual)
    );
}

proptest! {
    // Digits are written in chunks: any length, across chunk boundaries,
    // reads as byte-by-byte hex, and base64url of a whole number of
    // three-byte groups joins with what follows as the two texts joined.
    #[test]
    fn encodings_of_any_length(
        head in proptest::collection::vec(any::<u8>(), 0..70).prop_map(|mut v| { v.truncate(v.len() / 3 * 3); v }),
        tail in proptest::collection::vec(any::<u8>(), 0..130),
    ) {
        let whole = [head.as_slice(), tail.as_slice()].concat();
        let hex: String = whole.iter().map(|b| format!("{b:02x}")).collect();
        prop_assert_eq!(Encoding::Hex.encode(&whole), hex);
        let joined = Encoding::Base64Url.encode(&head) + &Encoding::Base64Url.encode(&tail);
        prop_assert_eq!(Encoding::Base64Url.encode(&whole), joined);
        prop_assert_eq!(Encoding::Base64Url.encode(&whole).len(), (whole.len() * 4).div_ceil(3));
    }

    // Short input is padded by hand for the compression function: any
    // split and length, across the one- and two-block limits (55/56 and
    // 119/120 bytes), hashes as the crate's SHA-1 of the pieces joined.
    #[test]
    fn mor_hash_is_sha1_of_the_pieces_at_every_length(
        params in proptest::collection::vec("[ -~]{0,40}", 0..5),
        secret in "[ -~]{1,140}",
    ) {
        use sha1::Digest;
        let joined = params.concat() + &secret;
        let expected: String = sha1::Sha1::digest(joined.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        prop_assert_eq!(mor_hash(&params, &secret).unwrap(), expected);
    }

    #[test]
    fn a_mor_hash_verifies_and_any_change_fails(
        params in proptest::collection::vec("\\PC{0,12}", 0..5),
        secret in "\\PC{1,16}",
        flip in 0usize..40,
    ) {
        let hash = mor_hash(&params, &secret).unwrap();
        prop_assert!(verify_mor_hash(&params, &secret, &hash).unwrap());
        let mut tampered = hash.into_bytes();
        tampered[flip] = if tampered[flip] == b'0' { b'1' } else { b'0' };
        prop_assert!(!verify_mor_hash(&params, &secret, std::str::from_utf8(&tampered).unwrap()).unwrap());
    }

    #[test]
    fn hmac_verifies_in_both_encodings(key in proptest::collection::vec(any::<u8>(), 1..80), message in proptest::collection::vec(any::<u8>(), 0..200)) {
        for encoding in [Encoding::Hex, Encoding::Base64Url] {
            let signature = hmac_sha256(&key, &message, encoding).unwrap();
            prop_assert!(verify_hmac_sha256(&key, &message, &signature).unwrap());
        }
    }
}

proptest! {
    // The last key's state is kept between calls: any sequence of keys
    // (repeated, one a prefix of another, of other lengths) and messages
    // answers what a fresh HMAC of each answers.
    #[test]
    fn hmac_under_changing_keys_equals_a_fresh_hmac(
        calls in proptest::collection::vec((0usize..5, proptest::collection::vec(any::<u8>(), 0..100)), 1..24),
    ) {
        use hmac::{Hmac, KeyInit, Mac};
        let keys: [&[u8]; 5] = [b"k", b"key", b"key2", b"kex", &[7u8; 100]];
        for (k, message) in calls {
            let mut fresh = Hmac::<sha2::Sha256>::new_from_slice(keys[k]).unwrap();
            fresh.update(&message);
            let expected: String = fresh.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
            prop_assert_eq!(hmac_sha256(keys[k], &message, Encoding::Hex).unwrap(), expected);
        }
    }
}
