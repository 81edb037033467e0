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
        let counts: Vec<String> = self.digit_counts().iter().map(usize::to_string).collect();
        match counts.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => counts.concat(),
        }
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

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
