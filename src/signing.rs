//! Request signing and fingerprints: MOR's SHA-1 request hash, HMAC-SHA256,
//! and a canonical SHA-256 fingerprint of a series for idempotency keys.
//!
//! This module owns the byte strings that get hashed and how answers are
//! compared (in constant time, through `subtle`). The hashes themselves are
//! RustCrypto's. Text is hashed as its UTF-8 bytes; from JS, a string's lone
//! surrogates arrive as U+FFFD, exactly as `node:crypto` encodes them.
//! It does not decide which requests need a hash: that is the profiles'.

use std::borrow::Cow;

use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{Field, Invalid, SeriesError};
use crate::input::{text_arg, Value};
use crate::range::{Padding, SeriesRange};

/// How a digest is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Lowercase hexadecimal (the default; what MOR sends).
    #[default]
    Hex,
    /// RFC 4648 §5 base64url without padding.
    Base64Url,
}

impl Encoding {
    /// Types an encoding name; absent means hex.
    pub fn from_value(value: Value<'_>) -> Result<Encoding, SeriesError> {
        match value {
            Value::Absent | Value::Text("hex") => Ok(Encoding::Hex),
            Value::Text("base64url") => Ok(Encoding::Base64Url),
            _ => Err(SeriesError::Invalid {
                field: Field::Encoding,
                reason: Invalid::Rule("must be \"hex\" or \"base64url\""),
            }),
        }
    }

    /// Writes `bytes` in this encoding.
    ///
    /// ```
    /// use seriesguard::signing::Encoding;
    /// assert_eq!(Encoding::Hex.encode(&[0x00, 0xab]), "00ab");
    /// assert_eq!(Encoding::Base64Url.encode(b"\xfb\xff"), "-_8");
    /// ```
    pub fn encode(self, bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len() * 2);
        self.push(bytes, &mut out);
        out
    }

    /// Appends `bytes` in this encoding to `out` (an answer buffer: no
    /// allocation of its own for a digest).
    pub fn push(self, bytes: &[u8], out: &mut String) {
        match self {
            Encoding::Hex => push_hex(bytes, out),
            Encoding::Base64Url => push_base64url(bytes, out),
        }
    }
}

fn push_hex(bytes: &[u8], out: &mut String) {
    // Four bytes at a time, their digits computed in one u64 (no table,
    // no loop per digit) and stored whole (no byte copies: each is a call
    // out of wasm), then appended as one string. Measured: a loop per digit
    // was a fifth of morHash's time in wasm.
    let mut words = [[0u8; 8]; 8];
    for chunk in bytes.chunks(32) {
        for (slot, word) in words.iter_mut().zip(chunk.chunks(4)) {
            let four = <[u8; 4]>::try_from(word).unwrap_or_else(|_| {
                let mut four = [0u8; 4];
                for (slot, &b) in four.iter_mut().zip(word) {
                    *slot = b;
                }
                four
            });
            *slot = hex_digits(u32::from_be_bytes(four));
        }
        let digits = words
            .as_flattened()
            .get(..chunk.len() * 2)
            .unwrap_or_default();
        // Only digits and letters are written: always ASCII.
        out.push_str(std::str::from_utf8(digits).unwrap_or_default());
    }
}

/// The eight lowercase hex digits of `word`, most significant first.
fn hex_digits(word: u32) -> [u8; 8] {
    let x = u64::from(word);
    // Each nibble spread into a byte of its own, in order.
    let x = ((x & 0xffff_0000) << 16) | (x & 0xffff);
    let x = ((x & 0x0000_ff00_0000_ff00) << 8) | (x & 0x0000_00ff_0000_00ff);
    let x = ((x & 0x00f0_00f0_00f0_00f0) << 4) | (x & 0x000f_000f_000f_000f);
    // 1 in each byte whose nibble is above 9 (a nibble plus 6 carries into
    // bit 4 exactly then), which moves its digit from '9'+1 to 'a'.
    let letters = ((x + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    (x + 0x3030_3030_3030_3030 + letters * u64::from(b'a' - b'9' - 1)).to_be_bytes()
}

fn push_base64url(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // A sextet always indexes the 64-letter alphabet; the fallback is never taken.
    let sextet = |n: u32, shift: u32| {
        char::from(
            ALPHABET
                .get(((n >> shift) & 0x3f) as usize)
                .copied()
                .unwrap_or(b'A'),
        )
    };
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        out.push(sextet(n, 18));
        out.push(sextet(n, 12));
        if chunk.len() > 1 {
            out.push(sextet(n, 6));
        }
        if chunk.len() > 2 {
            out.push(sextet(n, 0));
        }
    }
}

/// Equal in constant time for equal lengths (the length of a digest is public).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Lowercase hex SHA-1 of `data`.
///
/// ```
/// // FIPS 180-2, appendix A.1: SHA-1("abc").
/// assert_eq!(seriesguard::signing::sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
/// ```
pub fn sha1_hex(data: &[u8]) -> String {
    Encoding::Hex.encode(&Sha1::digest(data))
}

/// Lowercase hex SHA-256 of `data`.
///
/// ```
/// // FIPS 180-2, appendix B.1: SHA-256("abc").
/// assert_eq!(
///     seriesguard::signing::sha256_hex(b"abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256_hex(data: &[u8]) -> String {
    Encoding::Hex.encode(&Sha256::digest(data))
}

fn require_secret(secret: &[u8], field: Field) -> Result<(), SeriesError> {
    if secret.is_empty() {
        return Err(SeriesError::Required { field });
    }
    Ok(())
}

/// MOR's request hash: lowercase hex SHA-1 of the parameters concatenated
/// in the given order, then the API secret key. An empty secret is refused.
///
/// ```
/// use seriesguard::signing::mor_hash;
/// // MOR calling_cards_create documentation: card group 1, cards 1000000025..1000000035, secret "secret".
/// assert_eq!(
///     mor_hash(&["1", "1000000025", "1000000035"], "secret").unwrap(),
///     "7e112ededcfee097cce21b6201c6d2a00dda1f4c"
/// );
/// ```
pub fn mor_hash<T: AsRef<str>>(params: &[T], secret: &str) -> Result<String, SeriesError> {
    Ok(Encoding::Hex.encode(&mor_digest(params, secret)?))
}

/// MOR's request hash as bytes (what [`mor_hash`] writes in hex).
pub fn mor_digest<T: AsRef<str>>(params: &[T], secret: &str) -> Result<[u8; 20], SeriesError> {
    require_secret(secret.as_bytes(), Field::Secret)?;
    let total = params.iter().map(|p| p.as_ref().len()).sum::<usize>() + secret.len();
    let mut pieces = params
        .iter()
        .map(|p| p.as_ref().as_bytes())
        .chain([secret.as_bytes()]);
    Ok(sha1_of(&mut pieces, total))
}

/// SHA-1 of `pieces` joined (`total` bytes). Input that fits two blocks
/// with its padding (a request's parameters do) is padded here (FIPS 180-4
/// §5.1.1) and its blocks go to the crate's compression function. Measured
/// in wasm: the crate's buffering is generic code compiled at this crate's
/// opt-level "s" (not the hash crates' 3), and it cost a fifth of morHash.
/// One body for every caller (`dyn`): each generic copy cost wasm size.
fn sha1_of(pieces: &mut dyn Iterator<Item = &[u8]>, total: usize) -> [u8; 20] {
    // FIPS 180-4 §5.3.1.
    const H0: [u32; 5] = [
        0x6745_2301,
        0xefcd_ab89,
        0x98ba_dcfe,
        0x1032_5476,
        0xc3d2_e1f0,
    ];
    // The message, a 0x80 byte, then its length in bits in the last 8 bytes.
    let used = if total < 56 {
        1
    } else if total < 120 {
        2
    } else {
        let mut sha = Sha1::new();
        for piece in pieces {
            sha.update(piece);
        }
        return sha.finalize().into();
    };
    let mut blocks = [[0u8; 64]; 2];
    let flat = blocks.as_flattened_mut();
    let mut at = 0;
    for piece in pieces {
        if let Some(slots) = flat.get_mut(at..at + piece.len()) {
            slots.copy_from_slice(piece);
        }
        at += piece.len();
    }
    if let Some(slot) = flat.get_mut(total) {
        *slot = 0x80;
    }
    let end = used * 64;
    let bits = (total as u64 * 8).to_be_bytes();
    for (slot, b) in flat
        .get_mut(end - 8..end)
        .unwrap_or_default()
        .iter_mut()
        .zip(bits)
    {
        *slot = b;
    }
    let mut state = H0;
    sha1::block_api::compress(&mut state, blocks.get(..used).unwrap_or_default());
    let mut digest = [[0u8; 4]; 5];
    for (word, h) in digest.iter_mut().zip(state) {
        *word = h.to_be_bytes();
    }
    <[u8; 20]>::try_from(digest.as_flattened()).unwrap_or_default()
}

/// Whether `hash` is MOR's hash of `params` and `secret`, compared in
/// constant time. Only lowercase hex of the right length can match; any
/// other text (uppercase, short, not hex) is simply `false`.
pub fn verify_mor_hash<T: AsRef<str>>(
    params: &[T],
    secret: &str,
    hash: &str,
) -> Result<bool, SeriesError> {
    let expected = mor_hash(params, secret)?;
    Ok(same(expected.as_bytes(), hash.as_bytes()))
}

thread_local! {
    /// The last HMAC key and its keyed state (the inner and outer pads
    /// already hashed): a host signing or verifying many messages under one
    /// secret pays two SHA-256 compressions per short message instead of
    /// four. The key is compared in constant time.
    static LAST_KEY: std::cell::RefCell<Option<(Vec<u8>, Hmac<Sha256>)>> =
        const { std::cell::RefCell::new(None) };
}

/// HMAC-SHA256 of `message` under `key`, as bytes (what [`hmac_sha256`]
/// writes out). An empty key is refused.
pub fn hmac_bytes(key: &[u8], message: &[u8]) -> Result<[u8; 32], SeriesError> {
    require_secret(key, Field::Key)?;
    let keyed = LAST_KEY.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((held, mac)) if same(held, key) => Ok(mac.clone()),
            _ => {
                // HMAC takes keys of any length; the error arm is unreachable but typed.
                let mac =
                    Hmac::<Sha256>::new_from_slice(key).map_err(|_| SeriesError::Invalid {
                        field: Field::Key,
                        reason: Invalid::Rule("could not be used as an HMAC key"),
                    })?;
                *last = Some((key.to_vec(), mac.clone()));
                Ok(mac)
            }
        }
    });
    let mut mac = keyed?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().into())
}

/// HMAC-SHA256 of `message` under `key`, in hex or base64url. Text
/// arguments are passed as their UTF-8 bytes. An empty key is refused.
///
/// ```
/// use seriesguard::signing::{hmac_sha256, Encoding};
/// // RFC 4231, test case 2.
/// assert_eq!(
///     hmac_sha256(b"Jefe", b"what do ya want for nothing?", Encoding::Hex).unwrap(),
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
/// );
/// ```
pub fn hmac_sha256(key: &[u8], message: &[u8], encoding: Encoding) -> Result<String, SeriesError> {
    Ok(encoding.encode(&hmac_bytes(key, message)?))
}

/// Whether `signature` is the HMAC-SHA256 of `message` under `key`, written
/// in lowercase hex (64 characters) or unpadded base64url (43), compared in
/// constant time. Any other text is `false`.
pub fn verify_hmac_sha256(
    key: &[u8],
    message: &[u8],
    signature: &str,
) -> Result<bool, SeriesError> {
    let mac = hmac_bytes(key, message)?;
    let encoding = if signature.len() == 64 {
        Encoding::Hex
    } else {
        Encoding::Base64Url
    };
    Ok(same(encoding.encode(&mac).as_bytes(), signature.as_bytes()))
}

/// A series' type, as Shipsy names them; absent means `virtual`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeriesType {
    /// Physical labels or cards.
    Physical,
    /// Virtual numbers (the default).
    #[default]
    Virtual,
}

impl SeriesType {
    /// Types a `type` value: `"physical"`, `"virtual"`, or absent.
    pub fn from_value(value: Value<'_>) -> Result<SeriesType, SeriesError> {
        match value {
            Value::Absent => Ok(SeriesType::Virtual),
            Value::Text(text) => match text.trim() {
                "physical" => Ok(SeriesType::Physical),
                "virtual" => Ok(SeriesType::Virtual),
                _ => Err(Self::invalid()),
            },
            _ => Err(Self::invalid()),
        }
    }

    fn invalid() -> SeriesError {
        SeriesError::Invalid {
            field: Field::Type,
            reason: Invalid::Rule("must be \"physical\" or \"virtual\""),
        }
    }

    /// The type's name.
    pub fn name(self) -> &'static str {
        match self {
            SeriesType::Physical => "physical",
            SeriesType::Virtual => "virtual",
        }
    }
}

/// The canonical text a fingerprint hashes. Each field is written as
/// `name:length:value` on its own line, so no value can forge another.
fn canonical(range: &SeriesRange<'_>, item_code: &str, kind: SeriesType) -> String {
    let padding = match range.padding() {
        Padding::Fixed(width) => Cow::Owned(width.to_string()),
        Padding::Natural => Cow::Borrowed("natural"),
    };
    let first = range.start().body().to_string();
    let last = range.end().body().to_string();
    let fields: [(&str, &str); 8] = [
        ("prefix", range.start().prefix()),
        ("suffix", range.start().suffix()),
        ("padding", &padding),
        ("scheme", range.scheme().name()),
        ("first", &first),
        ("last", &last),
        ("item_code", item_code),
        ("type", kind.name()),
    ];
    let mut out = String::from("seriesguard-fingerprint-v1\n");
    for (name, value) in fields {
        out.push_str(&format!("{name}:{}:{value}\n", value.len()));
    }
    out
}

/// A series' fingerprint: lowercase hex SHA-256 of its canonical form
/// (pool: prefix, suffix, padding, scheme; first and last serial; item
/// code, trimmed; type). Equal for equivalent inputs (`' V10000051 '` and
/// `V10000051`), different when any of those differ (`V010000051` has
/// another width). Usable as an idempotency key.
///
/// ```
/// use seriesguard::{input::Value, range::{validate, SeriesRules}, signing::{fingerprint, SeriesType}};
/// let rules = SeriesRules::default();
/// let a = validate(Value::Text(" V10000051 "), Value::Text("V10000060"), &rules).range.unwrap();
/// let b = validate(Value::Text("V10000051"), Value::Text("V10000060"), &rules).range.unwrap();
/// assert_eq!(fingerprint(&a, "P7WJEJANkt", SeriesType::Virtual), fingerprint(&b, " P7WJEJANkt", SeriesType::Virtual));
/// ```
pub fn fingerprint(range: &SeriesRange<'_>, item_code: &str, kind: SeriesType) -> String {
    sha256_hex(canonical(range, item_code.trim(), kind).as_bytes())
}

/// One MOR parameter as text: a string as is, or a non-negative integer
/// (number or bigint) in decimal, as a query string would carry it.
pub fn param_text(value: Value<'_>, at: usize) -> Result<Cow<'_, str>, SeriesError> {
    match value {
        Value::Text(text) => Ok(Cow::Borrowed(text)),
        Value::Number(_) | Value::BigInt(_) => match value.as_exact_u128() {
            Some(n) => Ok(Cow::Owned(n.to_string())),
            None => Err(SeriesError::Invalid {
                field: Field::Params,
                reason: Invalid::Rule(
                    "must hold strings or non-negative integers (numbers up to 2^53 - 1 or bigints)",
                ),
            }),
        },
        other => Err(SeriesError::Invalid {
            field: Field::Params,
            reason: Invalid::Element {
                at,
                kind: other.kind(),
            },
        }),
    }
}

/// The fingerprint of a series given as loosely typed fields, with every
/// issue found when it cannot be computed.
pub fn fingerprint_input(
    start: Value<'_>,
    end: Value<'_>,
    item_code: Value<'_>,
    kind: Value<'_>,
    rules: &crate::range::SeriesRules,
) -> Result<String, Vec<SeriesError>> {
    let validation = crate::range::validate(start, end, rules);
    let mut issues = validation.issues;
    let item_code = match item_code {
        Value::Absent => Ok(""),
        other => text_arg(other, Field::ItemCode),
    };
    let kind = SeriesType::from_value(kind);
    match (validation.range, item_code, kind) {
        (Some(range), Ok(item_code), Ok(kind)) if issues.is_empty() => {
            Ok(fingerprint(&range, item_code, kind))
        }
        (_, item_code, kind) => {
            issues.extend(item_code.err());
            issues.extend(kind.err());
            Err(issues)
        }
    }
}
