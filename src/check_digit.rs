//! Check-digit schemes: Luhn, mod 7 (IATA air waybills), mod 11 (UPU S10),
//! GS1 mod 10, and none.
//!
//! This module owns the arithmetic: computing the check digit of a serial
//! (the digits before it) and verifying a full identifier. In every scheme
//! here the check digit is the last digit of the body, which is where
//! [`crate::serial`] already splits an identifier: trailing for ICCIDs,
//! IMEIs and GS1 keys, before the country suffix for S10 (`RR473124829GB`).
//! Which series use which scheme is [`crate::range`]'s and the named
//! formats' business, not this module's.

use std::fmt;

/// A check-digit scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Scheme {
    /// No check digit: every digit of the body is serial.
    #[default]
    None,
    /// Luhn (ISO/IEC 7812-1): ICCIDs, IMEIs, payment cards.
    Luhn,
    /// Unweighted mod 7 of the serial (IATA air waybills): digits 0..=6.
    Mod7,
    /// UPU S10: weights 8 6 4 2 3 5 9 7 over exactly 8 digits, 11 - sum mod 11, 10 -> 0, 11 -> 5.
    S10,
    /// GS1 mod 10: weights 3 and 1 alternating from the right (GTIN, SSCC, GLN).
    Gs1,
}

/// Every scheme, for tables and error messages.
pub const SCHEMES: [Scheme; 5] = [
    Scheme::None,
    Scheme::Luhn,
    Scheme::Mod7,
    Scheme::S10,
    Scheme::Gs1,
];

/// The weights S10 gives its 8 serial digits, left to right.
const S10_WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];

impl Scheme {
    /// The scheme named `name` (`"none"`, `"luhn"`, `"mod7"`, `"s10"`, `"gs1"`).
    pub fn from_name(name: &str) -> Option<Scheme> {
        SCHEMES.into_iter().find(|s| s.name() == name)
    }

    /// The scheme's name as hosts write it.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::None => "none",
            Scheme::Luhn => "luhn",
            Scheme::Mod7 => "mod7",
            Scheme::S10 => "s10",
            Scheme::Gs1 => "gs1",
        }
    }

    /// True for every scheme but [`Scheme::None`].
    pub fn has_check_digit(self) -> bool {
        self != Scheme::None
    }

    /// The exact serial width the scheme is defined for (`Some(8)` for S10).
    pub fn serial_width(self) -> Option<usize> {
        match self {
            Scheme::S10 => Some(8),
            _ => None,
        }
    }

    /// The check digit of a serial given as ASCII digits; `None` when the
    /// scheme has none, or the serial is empty, not all digits, or (S10) not
    /// exactly 8 digits.
    ///
    /// ```
    /// use seriesguard::check_digit::Scheme;
    /// assert_eq!(Scheme::S10.compute(b"47312482"), Some(9));   // RR473124829GB
    /// assert_eq!(Scheme::Mod7.compute(b"1234567"), Some(5));   // AWB 176-12345675
    /// assert_eq!(Scheme::Luhn.compute(b"7992739871"), Some(3));
    /// assert_eq!(Scheme::Gs1.compute(b"400638133393"), Some(1));
    /// ```
    pub fn compute(self, serial: &[u8]) -> Option<u8> {
        if serial.is_empty() || !serial.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let from_right = serial.iter().rev().map(|b| b - b'0');
        self.compute_from_right(from_right, serial.len())
    }

    /// The check digit of a serial given as a number written in `width`
    /// digits (leading zeros do not change any scheme's digit, but S10
    /// needs exactly 8). Used to write members of a series.
    pub fn compute_value(self, serial: u128, width: usize) -> Option<u8> {
        // Split into u64 halves: u64 division is one wasm instruction, u128 a call.
        let width = width.max(1);
        let digits = DigitsFromRight {
            low: (serial % 10u128.pow(19)) as u64,
            high: (serial / 10u128.pow(19)) as u64,
            taken: 0,
            width,
        };
        self.compute_from_right(digits, width)
    }

    fn compute_from_right(self, digits: impl Iterator<Item = u8>, width: usize) -> Option<u8> {
        match self {
            Scheme::None => None,
            Scheme::Luhn => {
                // The rightmost serial digit is doubled (the check digit will sit to its right).
                let sum: u32 = digits
                    .enumerate()
                    .map(|(i, d)| {
                        let d = u32::from(d);
                        if i % 2 == 0 {
                            let twice = d * 2;
                            if twice > 9 {
                                twice - 9
                            } else {
                                twice
                            }
                        } else {
                            d
                        }
                    })
                    .sum();
                Some(((10 - sum % 10) % 10) as u8)
            }
            Scheme::Mod7 => {
                // The serial mod 7, digit by digit from the right: 10^i mod 7 repeats every 6.
                const POW10_MOD7: [u32; 6] = [1, 3, 2, 6, 4, 5];
                let sum: u32 = digits
                    .zip(POW10_MOD7.iter().cycle())
                    .map(|(d, p)| u32::from(d) * p)
                    .sum();
                Some((sum % 7) as u8)
            }
            Scheme::S10 => {
                if width != 8 {
                    return None;
                }
                let sum: u32 = digits
                    .zip(S10_WEIGHTS.iter().rev())
                    .map(|(d, w)| u32::from(d) * w)
                    .sum();
                Some(match 11 - sum % 11 {
                    10 => 0,
                    11 => 5,
                    c => c as u8,
                })
            }
            Scheme::Gs1 => {
                let sum: u32 = digits
                    .enumerate()
                    .map(|(i, d)| u32::from(d) * if i % 2 == 0 { 3 } else { 1 })
                    .sum();
                Some(((10 - sum % 10) % 10) as u8)
            }
        }
    }

    /// Verifies a body written as ASCII digits whose last digit is the check
    /// digit. [`Scheme::None`] accepts any non-empty run of digits.
    ///
    /// ```
    /// use seriesguard::check_digit::Scheme;
    /// assert!(Scheme::Luhn.verify_digits(b"490154203237518"));  // IMEI
    /// assert!(!Scheme::Luhn.verify_digits(b"490154203237519"));
    /// ```
    pub fn verify_digits(self, body: &[u8]) -> bool {
        let Some((&check, serial)) = body.split_last() else {
            return false;
        };
        match self {
            Scheme::None => body.iter().all(u8::is_ascii_digit),
            _ => self.compute(serial) == Some(check.wrapping_sub(b'0')),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The decimal digits of a number held as two u64 halves (`high` * 10^19 +
/// `low`), rightmost first, exactly `width` of them (leading zeros included).
struct DigitsFromRight {
    low: u64,
    high: u64,
    taken: usize,
    width: usize,
}

impl Iterator for DigitsFromRight {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        if self.taken == self.width {
            return None;
        }
        let half = if self.taken < 19 {
            &mut self.low
        } else {
            &mut self.high
        };
        let digit = (*half % 10) as u8;
        *half /= 10;
        self.taken += 1;
        Some(digit)
    }
}
