//! Named real-world identifier formats: air waybills, UPU S10 parcel IDs,
//! SIM ICCIDs, IMEIs, GS1 GTINs and SSCCs.
//!
//! This module owns each format's shape (what stands before and after the
//! digits, how many digits) and its check-digit scheme. It does not parse or
//! validate by itself: [`crate::range::read`] applies a format's shape and
//! scheme to a parsed identifier, the same way it applies plain rules, so a
//! host-defined format is simply rules without a name.

use std::fmt;

use crate::check_digit::Scheme;

/// A named format, set as `rules.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// IATA air waybill: 3-digit airline prefix (optionally followed by `-`),
    /// 7-digit serial, mod-7 check digit: `020-12345675`, `17612345675`.
    Awb,
    /// UPU S10: 2-letter service indicator, 8-digit serial, mod-11 check
    /// digit, 2-letter country: `RR473124829GB`.
    S10,
    /// SIM ICCID (ITU-T E.118): 19 or 20 digits, Luhn.
    Iccid,
    /// IMEI: 15 digits, Luhn.
    Imei,
    /// GS1 GTIN-8, -12, -13 or -14: GS1 mod 10.
    Gtin,
    /// GS1 SSCC: 18 digits, GS1 mod 10.
    Sscc,
}

/// Every format, for tables and error messages.
pub const FORMATS: [Format; 6] = [
    Format::Awb,
    Format::S10,
    Format::Iccid,
    Format::Imei,
    Format::Gtin,
    Format::Sscc,
];

/// What a format requires before or after the digit body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Nothing at all.
    Empty,
    /// Exactly this many ASCII digits, optionally followed by one `-`
    /// (`020` or `020-`).
    Digits(usize),
    /// Exactly this many ASCII capital letters.
    Letters(usize),
}

impl Shape {
    /// True when `part` has this shape.
    pub fn matches(self, part: &str) -> bool {
        match self {
            Shape::Empty => part.is_empty(),
            Shape::Digits(n) => {
                let digits = part.strip_suffix('-').unwrap_or(part);
                digits.len() == n && digits.bytes().all(|b| b.is_ascii_digit())
            }
            Shape::Letters(n) => part.len() == n && part.bytes().all(|b| b.is_ascii_uppercase()),
        }
    }

    /// The shape in words, for messages.
    pub fn describe(self) -> String {
        match self {
            Shape::Empty => "no letters or symbols".to_owned(),
            Shape::Digits(n) => format!("a {n}-digit prefix"),
            Shape::Letters(n) => format!("{n} capital letters"),
        }
    }
}

impl Format {
    /// The format named `name` (`"awb"`, `"s10"`, `"iccid"`, `"imei"`, `"gtin"`, `"sscc"`).
    pub fn from_name(name: &str) -> Option<Format> {
        FORMATS.into_iter().find(|f| f.name() == name)
    }

    /// A stored name read back ([`stored_name`]): `Some(None)` for
    /// `plain`, `None` for a name that is neither.
    pub fn from_stored_name(name: &str) -> Option<Option<Format>> {
        match name {
            PLAIN => Some(None),
            _ => Format::from_name(name).map(Some),
        }
    }

    /// The format's name as hosts write it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Awb => "awb",
            Format::S10 => "s10",
            Format::Iccid => "iccid",
            Format::Imei => "imei",
            Format::Gtin => "gtin",
            Format::Sscc => "sscc",
        }
    }

    /// The format's check-digit scheme.
    pub fn scheme(self) -> Scheme {
        match self {
            Format::Awb => Scheme::Mod7,
            Format::S10 => Scheme::S10,
            Format::Iccid | Format::Imei => Scheme::Luhn,
            Format::Gtin | Format::Sscc => Scheme::Gs1,
        }
    }

    /// What stands before the digits.
    pub fn prefix_shape(self) -> Shape {
        match self {
            Format::Awb => Shape::Digits(3),
            Format::S10 => Shape::Letters(2),
            _ => Shape::Empty,
        }
    }

    /// What stands after the digits.
    pub fn suffix_shape(self) -> Shape {
        match self {
            Format::S10 => Shape::Letters(2),
            _ => Shape::Empty,
        }
    }

    /// The digit counts of the body allowed, check digit included.
    pub fn digit_counts(self) -> &'static [usize] {
        match self {
            Format::Awb => &[8],
            Format::S10 => &[9],
            Format::Iccid => &[19, 20],
            Format::Imei => &[15],
            Format::Gtin => &[8, 12, 13, 14],
            Format::Sscc => &[18],
        }
    }

    /// The digit counts in words (`"19 or 20"`).
    pub fn describe_digits(self) -> String {
        in_words(self.digit_counts().iter().copied())
    }

    /// True when the format is printed in groups (`35-209900-176148-1`,
    /// `978-0-471-11709-4`, `8944 1234 ...`): a hyphen or space between two
    /// digits is read as a separator and dropped.
    pub fn allows_grouping(self) -> bool {
        matches!(
            self,
            Format::Iccid | Format::Imei | Format::Gtin | Format::Sscc
        )
    }

    /// The prefix as the pool knows it: the airline prefix without the
    /// hyphen the format allows after it (`020-` is `020`).
    pub fn canonical_prefix(self, prefix: &str) -> &str {
        match self.prefix_shape() {
            Shape::Digits(_) => prefix.strip_suffix('-').unwrap_or(prefix),
            _ => prefix,
        }
    }

    /// The name of the identifier a digit count that this format refuses
    /// is known to be, when there is one (an IMEI without its check digit,
    /// an IMEISV), for the message.
    pub fn known_other(self, digits: usize) -> Option<&'static str> {
        match (self, digits) {
            (Format::Imei, 14) => Some("an IMEI without its check digit"),
            (Format::Imei, 16) => Some("an IMEISV (software version), not an IMEI"),
            _ => None,
        }
    }

    /// The digit counts of the serial without its check digit, in words.
    pub fn describe_serial_digits(self) -> String {
        in_words(self.digit_counts().iter().map(|n| n - 1))
    }

    /// How many leading digits the parser must set apart as the prefix when
    /// no separator marks it (the airline prefix of `02012345675`).
    pub fn leading_digit_prefix(self) -> Option<usize> {
        match self.prefix_shape() {
            Shape::Digits(n) => Some(n),
            _ => None,
        }
    }
}

/// The name stored with a series for the format it was created under:
/// the format's name, or `plain` for a series under no format.
pub fn stored_name(format: Option<Format>) -> &'static str {
    format.map_or(PLAIN, Format::name)
}

/// The stored name of a series created under no format.
pub const PLAIN: &str = "plain";

/// Counts as words: `8, 12, 13 or 14`.
fn in_words(counts: impl Iterator<Item = usize>) -> String {
    let counts: Vec<usize> = counts.collect();
    let mut out = String::new();
    for (i, n) in counts.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == counts.len() { " or " } else { ", " });
        }
        out.push_str(&n.to_string());
    }
    out
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
