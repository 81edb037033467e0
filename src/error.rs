//! The one error type of the core: every failure is a value with a stable
//! `code()`, the `field()` it concerns and a human message (`Display`).
//!
//! This module owns the codes and the wording of the messages. It does not
//! know how an error crosses into JavaScript; `src/wasm/` turns each value
//! into a JS `SeriesError` or a `Validation` issue with the same three parts.

use std::fmt;

use crate::check_digit::Scheme;
use crate::formats::Format;

/// The input field an error is about. `as_str()` is the name hosts see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The series' first identifier.
    Start,
    /// The series' last identifier.
    End,
    /// A single identifier given to `parseSerial` or `verifyCheckDigit`.
    Serial,
    /// A check-digit scheme or format name given to `checkDigit`.
    Scheme,
    /// The input object as a whole (`validateSeries(42)`).
    Input,
    /// A series' item code.
    ItemCode,
    /// A series' type (`physical` or `virtual`).
    Type,
    /// The ordered parameters of a MOR request hash.
    Params,
    /// A shared secret (MOR's API secret key).
    Secret,
    /// A hash or signature to verify.
    Hash,
    /// An HMAC key.
    Key,
    /// A message to sign.
    Message,
    /// An output encoding name (`hex`, `base64url`).
    Encoding,
    /// A series as a whole (for overlaps).
    Series,
    /// A host's id for a stored series.
    Id,
    /// A quantity to allocate or a chunk size.
    Quantity,
    /// A pool description (for allocation).
    Pool,
    /// An inventory snapshot being loaded.
    Snapshot,
    /// The host's scope of a series (client, hub, card group, area code).
    Scope,
    /// The host's store given to a `SeriesBook`.
    Store,
    /// The service types a dashboard series is configured for.
    ServiceTypes,
    /// The rules object as a whole, or one of its options.
    Rules(RuleOption),
    #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
    /// A pool's policy: cooling, low-stock threshold, quota, blocks.
    Policy,
    #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
    /// An instant (`at`) given by the host.
    Time,
    #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
    /// A duration (`ttl`) given by the host.
    Ttl,
    #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
    /// A lifecycle request as a whole (its JSON text, its `op`).
    Request,
    #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
    /// The owner of a reservation, or the actor of a change.
    Owner,
}

/// The options of [`crate::range::SeriesRules`], named as in JS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleOption {
    /// The rules value itself (not an object).
    Whole,
    /// `width`: the exact digit count of every body.
    Width,
    /// `prefix`: the text every identifier must begin with.
    Prefix,
    /// `maxCount`: the largest series allowed.
    MaxCount,
    /// `numericOnly`: identifiers are bare digits.
    NumericOnly,
    /// `scheme`: the check-digit scheme.
    Scheme,
    /// `format`: a named real-world format.
    Format,
}

impl Field {
    /// The field's name as hosts see it (`"start"`, `"rules.width"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Start => "start",
            Field::End => "end",
            Field::Serial => "serial",
            Field::Scheme => "scheme",
            Field::Input => "input",
            Field::ItemCode => "item_code",
            Field::Type => "type",
            Field::Params => "params",
            Field::Secret => "secret",
            Field::Hash => "hash",
            Field::Key => "key",
            Field::Message => "message",
            Field::Encoding => "encoding",
            Field::Series => "series",
            Field::Id => "id",
            Field::Quantity => "quantity",
            Field::Pool => "pool",
            Field::Snapshot => "snapshot",
            Field::Scope => "scope",
            Field::Store => "store",
            Field::ServiceTypes => "service_types",
            Field::Rules(RuleOption::Whole) => "rules",
            Field::Rules(RuleOption::Width) => "rules.width",
            Field::Rules(RuleOption::Prefix) => "rules.prefix",
            Field::Rules(RuleOption::MaxCount) => "rules.maxCount",
            Field::Rules(RuleOption::NumericOnly) => "rules.numericOnly",
            Field::Rules(RuleOption::Scheme) => "rules.scheme",
            Field::Rules(RuleOption::Format) => "rules.format",
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Policy => "policy",
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Time => "at",
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Ttl => "ttl",
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Request => "request",
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Owner => "owner",
        }
    }
}

impl Field {
    /// The codes for this field being missing and being unreadable.
    fn codes(self) -> (&'static str, &'static str) {
        match self {
            Field::Start => ("START_REQUIRED", "START_INVALID"),
            Field::End => ("END_REQUIRED", "END_INVALID"),
            Field::Serial => ("SERIAL_REQUIRED", "SERIAL_INVALID"),
            Field::Scheme => ("SCHEME_INVALID", "SCHEME_INVALID"),
            Field::Input => ("INPUT_INVALID", "INPUT_INVALID"),
            Field::Rules(_) => ("RULES_INVALID", "RULES_INVALID"),
            Field::ItemCode => ("ITEM_CODE_REQUIRED", "ITEM_CODE_INVALID"),
            Field::Type => ("TYPE_INVALID", "TYPE_INVALID"),
            Field::Params => ("PARAMS_INVALID", "PARAMS_INVALID"),
            Field::Secret => ("SECRET_REQUIRED", "SECRET_INVALID"),
            Field::Hash => ("HASH_INVALID", "HASH_INVALID"),
            Field::Key => ("KEY_REQUIRED", "KEY_INVALID"),
            Field::Message => ("MESSAGE_INVALID", "MESSAGE_INVALID"),
            Field::Encoding => ("ENCODING_INVALID", "ENCODING_INVALID"),
            Field::Series => ("INPUT_INVALID", "INPUT_INVALID"),
            Field::Id => ("ID_REQUIRED", "ID_INVALID"),
            Field::Quantity => ("QUANTITY_OUT_OF_RANGE", "QUANTITY_OUT_OF_RANGE"),
            Field::Pool => ("POOL_INVALID", "POOL_INVALID"),
            Field::Snapshot => ("SNAPSHOT_INVALID", "SNAPSHOT_INVALID"),
            Field::Scope => ("SCOPE_INVALID", "SCOPE_INVALID"),
            Field::Store => ("STORE_INVALID", "STORE_INVALID"),
            Field::ServiceTypes => ("SERVICE_TYPES_REQUIRED", "SERVICE_TYPES_INVALID"),
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Policy => ("POLICY_INVALID", "POLICY_INVALID"),
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Time => ("TIME_INVALID", "TIME_INVALID"),
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Ttl => ("TIME_INVALID", "TIME_INVALID"),
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Request => ("REQUEST_INVALID", "REQUEST_INVALID"),
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            Field::Owner => ("OWNER_INVALID", "OWNER_INVALID"),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a value could not be read as an identifier (or as a rule option).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// The value has the wrong type; carries the type's name (`"number"`).
    NotText(&'static str),
    /// An object was expected; carries the type's name found.
    NotObject(&'static str),
    /// Longer than the reader accepts after trimming.
    TooLong {
        /// Length in bytes of the trimmed text.
        len: usize,
        /// The most characters accepted.
        max: usize,
    },
    /// A character outside printable ASCII; `at` counts characters from 1.
    NonAscii {
        /// 1-based character position in the trimmed text.
        at: usize,
    },
    /// A control character; `at` counts characters from 1.
    Control {
        /// 1-based character position in the trimmed text.
        at: usize,
    },
    /// A space inside the identifier; `at` counts characters from 1.
    InnerSpace {
        /// 1-based character position in the trimmed text.
        at: usize,
    },
    /// No digit at all.
    NoDigits,
    /// More digits in the body than `u128` holds exactly.
    TooManyDigits {
        /// How many digits the body has.
        digits: usize,
        /// The most digits supported.
        max: usize,
    },
    /// `numericOnly` is set and the identifier has a prefix or suffix.
    NotNumeric,
    /// A check-digit scheme applies and the body has no digit before the check digit.
    NoSerialDigits,
    /// A name that is no known scheme or format.
    UnknownScheme,
    /// A list element of the wrong type; `at` counts from 0.
    Element {
        /// 0-based position in the list.
        at: usize,
        /// The element's type name.
        kind: &'static str,
    },
    /// A rule option outside its allowed values; the text says which.
    Rule(&'static str),
    /// CSV text that cannot be read; `line` counts from 1.
    Csv {
        /// The line where reading stopped.
        line: usize,
        /// What is wrong there.
        reason: &'static str,
    },
}

/// Names separated by commas.
fn names<const N: usize>(f: &mut fmt::Formatter<'_>, names: [&str; N]) -> fmt::Result {
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(name)?;
    }
    Ok(())
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::NotText(kind) => write!(f, "must be a string, not {kind}"),
            Invalid::NotObject(kind) => write!(f, "must be an object, not {kind}"),
            Invalid::TooLong { len, max } => write!(
                f,
                "is {len} bytes long; at most {max} ASCII characters are allowed"
            ),
            Invalid::NonAscii { at } => write!(
                f,
                "may contain only ASCII letters, digits and punctuation (character {at} is not ASCII; \
                 full-width and other non-ASCII digits are not accepted)"
            ),
            Invalid::Control { at } => {
                write!(f, "must not contain control characters (character {at})")
            }
            Invalid::InnerSpace { at } => {
                write!(f, "must not contain spaces inside (character {at})")
            }
            Invalid::NoDigits => f.write_str("must contain a run of digits"),
            Invalid::TooManyDigits { digits, max } => write!(
                f,
                "has {digits} digits in its number; at most {max} are supported"
            ),
            Invalid::NotNumeric => f.write_str("must be digits only (numericOnly)"),
            Invalid::NoSerialDigits => {
                f.write_str("must have at least one digit before its check digit")
            }
            Invalid::Element { at, kind } => write!(
                f,
                "must hold strings or integers; element {at} is {kind}"
            ),
            Invalid::UnknownScheme => {
                f.write_str("must be one of ")?;
                names(f, crate::check_digit::SCHEMES.map(Scheme::name))?;
                f.write_str(" or a format: ")?;
                names(f, crate::formats::FORMATS.map(Format::name))
            }
            Invalid::Rule(what) => f.write_str(what),
            Invalid::Csv { line, reason } => write!(f, "is not CSV: line {line} {reason}"),
        }
    }
}

/// Where a requirement on an identifier's shape comes from, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Because {
    /// The series' other end (start, for end).
    Start,
    /// An option of the host's rules (`prefix`, `width`).
    Rule,
    /// A named format (`awb`, `s10`, `iccid`, ...).
    Format(Format),
    /// A check-digit scheme defined for one serial width (S10's 8 digits).
    Scheme(Scheme),
    /// A format whose identifiers all have one length within a series
    /// (a GTIN-8 and a GTIN-13 are never one series).
    FixedLength(Format),
    /// A format's serial, its check digit left out (`checkDigit`).
    FormatSerial(Format),
}

/// A refusal defined by the module that owns its wording (a platform
/// profile, a binding): [`SeriesError::Defined`] carries it.
#[derive(Debug, PartialEq, Eq)]
pub struct Definition {
    /// The stable code.
    pub code: &'static str,
    /// The field it concerns.
    pub field: Field,
    /// The sentence, as the owner documents it.
    pub message: &'static str,
}

/// Every failure the core can report. `code()` is stable: hosts branch on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesError {
    /// The field is missing, `null`, or blank.
    Required {
        /// Which field.
        field: Field,
    },
    /// The field is present but cannot be read.
    Invalid {
        /// Which field.
        field: Field,
        /// Why it cannot be read.
        reason: Invalid,
    },
    /// The identifier's prefix is not the required one.
    PrefixMismatch {
        /// Which field carries the wrong prefix.
        field: Field,
        /// The prefix required (exact text; empty when a format describes it).
        expected: String,
        /// The prefix found.
        found: String,
        /// Who requires it.
        because: Because,
    },
    /// The identifier's suffix is not the required one.
    SuffixMismatch {
        /// Which field carries the wrong suffix.
        field: Field,
        /// The suffix required (exact text; empty when a format describes it).
        expected: String,
        /// The suffix found.
        found: String,
        /// Who requires it.
        because: Because,
    },
    /// The digit count is not the required one.
    WidthMismatch {
        /// Which field has the wrong width.
        field: Field,
        /// The width required (serial digits; a format describes its own).
        expected: usize,
        /// The width found.
        found: usize,
        /// Who requires it.
        because: Because,
    },
    /// The check digit does not match the serial under the scheme.
    CheckDigitInvalid {
        /// Which field.
        field: Field,
        /// The scheme that computed `expected`.
        scheme: Scheme,
        /// The digit the scheme gives for the serial.
        expected: u8,
        /// The digit written.
        found: u8,
    },
    /// Start's number is greater than end's.
    StartAfterEnd {
        /// The normalized start identifier.
        start: String,
        /// The normalized end identifier.
        end: String,
    },
    /// The series collides with stored series.
    Overlap {
        /// The colliding sub-ranges (at most the inventory's report limit).
        conflicts: Vec<crate::conflict::Conflict>,
        /// How many more collisions there were beyond those listed.
        more: usize,
    },
    /// A refusal a platform profile or a binding defines, with its own code
    /// and sentence: Shipsy's `CLIENT_HUB_CODE_NOT_PRESENT`, CRM.COM's item
    /// code rules, the JS binding's `INTERNAL_TRAP`. The texts live with
    /// their owner; this module only carries them.
    Defined(&'static Definition),
    /// A host store callback threw, rejected, or answered something unusable.
    StoreFailed {
        /// Which callback (`overlapping`, `insert`, `remove`).
        operation: &'static str,
        /// What went wrong, in words (the original error travels in JS as `cause`).
        why: &'static str,
    },
    /// Under a check-digit scheme, digits stand before the number that the
    /// check digit does not cover and that no rule declared as a prefix.
    PrefixUndeclared {
        /// Which field.
        field: Field,
        /// The prefix found.
        prefix: String,
        /// The scheme whose check digit leaves those digits out.
        scheme: Scheme,
    },
    /// The pool already holds series stored under other rules.
    RulesMismatch {
        /// The rules the stored series were created under (`awb`, `none`...).
        stored: String,
        /// The rules of this request.
        given: String,
    },
    /// The series holds more numbers than `rules.maxCount`.
    RangeTooLarge {
        /// The series' exact count.
        count: u128,
        /// The largest count allowed.
        max: u128,
    },
    #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
    /// A number lifecycle operation refused (see [`crate::lifecycle`]).
    Lifecycle(Refused),
}

#[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
/// Why a lifecycle operation on a pool was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No pool of that name is declared.
    PoolUnknown {
        /// The name asked for.
        pool: String,
    },
    /// No free block holds the quantity asked for.
    PoolExhausted {
        /// The pool.
        pool: String,
        /// The quantity asked for.
        wanted: u128,
        /// The largest free block's size.
        largest: u128,
    },
    /// Part of the range is not available (taken, blocked, or outside the pool).
    NotAvailable {
        /// The pool.
        pool: String,
        /// The first offending identifier.
        start: String,
        /// The last offending identifier.
        end: String,
        /// Its state (`reserved`, ..., or `outside the pool`).
        state: &'static str,
    },
    /// Part of the range is not in the state the operation leaves from.
    StateConflict {
        /// The pool.
        pool: String,
        /// The first offending identifier.
        start: String,
        /// The last offending identifier.
        end: String,
        /// Its state.
        state: &'static str,
        /// The state the operation needs.
        expected: &'static str,
    },
    /// A pool of that name exists already.
    PoolExists {
        /// The name.
        pool: String,
    },
    /// A pool's block is part of another pool.
    PoolsOverlap {
        /// The pool being declared.
        pool: String,
        /// The pool holding part of it.
        other: String,
        /// The first shared identifier.
        start: String,
        /// The last shared identifier.
        end: String,
    },
    /// No reservation was made under that key.
    ReservationUnknown {
        /// The key.
        key: String,
    },
    /// The reservation's time ran out (`at` is its expiry, ISO 8601).
    ReservationExpired {
        /// The key.
        key: String,
        /// When it expired.
        at: String,
    },
    /// The reservation was confirmed or cancelled already.
    ReservationClosed {
        /// The key.
        key: String,
        /// `assigned`, `cancelled` or `expired`.
        status: &'static str,
    },
    /// The key was used for a different request.
    KeyReused {
        /// The key.
        key: String,
    },
    /// A hand-down would take a child pool past its quota.
    QuotaExceeded {
        /// The child pool.
        pool: String,
        /// Its quota.
        quota: u128,
        /// What it holds already.
        held: u128,
        /// What it would receive.
        wanted: u128,
    },
}

#[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
impl Refused {
    fn code(&self) -> &'static str {
        match self {
            Refused::PoolUnknown { .. } => "POOL_UNKNOWN",
            Refused::PoolExhausted { .. } => "POOL_EXHAUSTED",
            Refused::NotAvailable { .. } => "NOT_AVAILABLE",
            Refused::StateConflict { .. }
            | Refused::PoolExists { .. }
            | Refused::PoolsOverlap { .. }
            | Refused::ReservationClosed { .. } => "STATE_CONFLICT",
            Refused::ReservationUnknown { .. } => "RESERVATION_UNKNOWN",
            Refused::ReservationExpired { .. } => "RESERVATION_EXPIRED",
            Refused::KeyReused { .. } => "IDEMPOTENCY_KEY_REUSED",
            Refused::QuotaExceeded { .. } => "QUOTA_EXCEEDED",
        }
    }

    fn field(&self) -> Field {
        match self {
            Refused::ReservationUnknown { .. }
            | Refused::ReservationExpired { .. }
            | Refused::ReservationClosed { .. }
            | Refused::KeyReused { .. } => Field::Key,
            Refused::PoolExhausted { .. } | Refused::QuotaExceeded { .. } => Field::Quantity,
            _ => Field::Pool,
        }
    }
}

#[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::PoolUnknown { pool } => write!(f, "no pool \"{pool}\" is declared"),
            Refused::PoolExhausted { pool, wanted, largest } => write!(
                f,
                "pool \"{pool}\" has no free block of {wanted} numbers (the largest holds {largest})"
            ),
            Refused::NotAvailable { pool, start, end, state } => write!(
                f,
                "{start}..{end} in pool \"{pool}\" is {state}, not available"
            ),
            Refused::StateConflict { pool, start, end, state, expected } => write!(
                f,
                "{start}..{end} in pool \"{pool}\" is {state}, not {expected}"
            ),
            Refused::PoolExists { pool } => write!(f, "pool \"{pool}\" is already declared"),
            Refused::PoolsOverlap { pool, other, start, end } => write!(
                f,
                "{start}..{end} of pool \"{pool}\" belongs to pool \"{other}\""
            ),
            Refused::ReservationUnknown { key } => {
                write!(f, "no reservation was made under key \"{key}\"")
            }
            Refused::ReservationExpired { key, at } => {
                write!(f, "reservation \"{key}\" expired at {at}")
            }
            Refused::ReservationClosed { key, status } => {
                write!(f, "reservation \"{key}\" is {status} already")
            }
            Refused::KeyReused { key } => write!(
                f,
                "key \"{key}\" was used for a different reservation"
            ),
            Refused::QuotaExceeded { pool, quota, held, wanted } => write!(
                f,
                "pool \"{pool}\" holds {held} of its quota of {quota}; {wanted} more would exceed it"
            ),
        }
    }
}

impl SeriesError {
    /// The stable code hosts branch on (`"START_AFTER_END"`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            SeriesError::Required { field } => field.codes().0,
            SeriesError::Invalid { field, .. } => field.codes().1,
            SeriesError::PrefixMismatch { .. } => "PREFIX_MISMATCH",
            SeriesError::SuffixMismatch { .. } => "SUFFIX_MISMATCH",
            SeriesError::WidthMismatch { .. } => "WIDTH_MISMATCH",
            SeriesError::CheckDigitInvalid { .. } => "CHECK_DIGIT_INVALID",
            SeriesError::StartAfterEnd { .. } => "START_AFTER_END",
            SeriesError::Overlap { .. } => "OVERLAP",
            SeriesError::StoreFailed { .. } => "STORE_FAILED",
            SeriesError::Defined(definition) => definition.code,
            SeriesError::RangeTooLarge { .. } => "RANGE_TOO_LARGE",
            SeriesError::PrefixUndeclared { .. } => "PREFIX_UNDECLARED",
            SeriesError::RulesMismatch { .. } => "RULES_MISMATCH",
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            SeriesError::Lifecycle(refused) => refused.code(),
        }
    }

    /// `START_AFTER_END`'s message for these ends, in pieces: its display,
    /// and what [`crate::packed::push_after_end`] writes without building
    /// the error.
    pub fn after_end_message<'a>(start: &'a str, end: &'a str) -> [&'a str; 4] {
        ["start ", start, " is after end ", end]
    }

    /// The field the error concerns, for placing the message next to it.
    pub fn field(&self) -> Field {
        match self {
            SeriesError::Required { field }
            | SeriesError::Invalid { field, .. }
            | SeriesError::PrefixMismatch { field, .. }
            | SeriesError::SuffixMismatch { field, .. }
            | SeriesError::WidthMismatch { field, .. }
            | SeriesError::CheckDigitInvalid { field, .. }
            | SeriesError::PrefixUndeclared { field, .. } => *field,
            SeriesError::RulesMismatch { .. } => Field::Series,
            SeriesError::StartAfterEnd { .. } | SeriesError::RangeTooLarge { .. } => Field::End,
            SeriesError::Overlap { .. } => Field::Series,
            SeriesError::StoreFailed { .. } => Field::Store,
            SeriesError::Defined(definition) => definition.field,
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            SeriesError::Lifecycle(refused) => refused.field(),
        }
    }
}

impl fmt::Display for SeriesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeriesError::Required { field } => write!(f, "{field} is required"),
            SeriesError::Invalid { field, reason } => write!(f, "{field} {reason}"),
            SeriesError::PrefixMismatch {
                field,
                expected,
                found,
                because,
            } => match because {
                Because::Start => write!(
                    f,
                    "{field} prefix \"{found}\" differs from start prefix \"{expected}\""
                ),
                Because::Format(format) => write!(
                    f,
                    "{field} must begin with {} ({format} format)",
                    format.prefix_shape().describe()
                ),
                _ => {
                    write!(f, "{field} must begin with \"{expected}\" followed by digits")
                }
            },
            SeriesError::SuffixMismatch {
                field,
                expected,
                found,
                because,
            } => match because {
                Because::Format(format) => write!(
                    f,
                    "{field} must end with {} ({format} format)",
                    format.suffix_shape().describe()
                ),
                _ => write!(
                    f,
                    "{field} suffix \"{found}\" differs from start suffix \"{expected}\""
                ),
            },
            SeriesError::WidthMismatch {
                field,
                expected,
                found,
                because,
            } => match because {
                Because::Start => write!(
                    f,
                    "{field} has {found} digits but the series is zero-padded to {expected}"
                ),
                Because::Rule => {
                    write!(f, "{field} must have exactly {expected} digits, not {found}")
                }
                Because::Format(format) => {
                    write!(
                        f,
                        "{field} must have {} digits ({format} format, check digit included), not {found}",
                        format.describe_digits()
                    )?;
                    match format.known_other(*found) {
                        Some(what) => write!(f, ": {what}"),
                        None => Ok(()),
                    }
                }
                Because::Scheme(scheme) => write!(
                    f,
                    "{field} must have {expected} digits before its {scheme} check digit, not {found}"
                ),
                Because::FixedLength(format) => write!(
                    f,
                    "{field} has {found} digits but start has {expected}: the {format} identifiers of one series have one length"
                ),
                Because::FormatSerial(format) => write!(
                    f,
                    "{field} must have {} digits before the check digit ({format} format), not {found}",
                    format.describe_serial_digits()
                ),
            },
            SeriesError::CheckDigitInvalid {
                field,
                scheme,
                expected,
                found,
            } => write!(
                f,
                "{field} check digit should be {expected}, not {found} ({scheme})"
            ),
            // Piece by piece: the common refusal, without parsing a format.
            SeriesError::StartAfterEnd { start, end } => {
                for piece in SeriesError::after_end_message(start, end) {
                    f.write_str(piece)?;
                }
                Ok(())
            }
            SeriesError::Overlap { conflicts, more } => {
                let total = conflicts.len() + more;
                match conflicts.first() {
                    Some(c) => write!(
                        f,
                        "{}..{} is already held by series {}",
                        c.start, c.end, c.id
                    )?,
                    None => f.write_str("the series overlaps stored series")?,
                }
                if total > 1 {
                    write!(f, " (and {} more overlap{})", total - 1, if total > 2 { "s" } else { "" })?;
                }
                Ok(())
            }
            SeriesError::Defined(definition) => f.write_str(definition.message),
            SeriesError::StoreFailed { operation, why } => {
                write!(f, "the store's {operation}() {why}")
            }
            SeriesError::PrefixUndeclared {
                field,
                prefix,
                scheme,
            } => write!(
                f,
                "{field} has \"{prefix}\" before its number, not covered by its {scheme} check digit: declare it as rules.prefix"
            ),
            SeriesError::RulesMismatch { stored, given } => write!(
                f,
                "the pool holds series stored as {stored}; this one is {given}"
            ),
            SeriesError::RangeTooLarge { count, max } => write!(
                f,
                "the series has {count} numbers; at most {max} are allowed"
            ),
            #[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
            SeriesError::Lifecycle(refused) => refused.fmt(f),
        }
    }
}

impl std::error::Error for SeriesError {}

/// The names people read for the fields a form shows, by the field's name
/// in requests (`item_code` is "Item code"); any other field keeps its name.
const LABELS: &[(&str, &str)] = &[
    ("start", "Start"),
    ("end", "End"),
    ("item_code", "Item code"),
    ("scope", "Customer"),
    ("service_types", "Service types"),
    ("type", "Type"),
    ("serial", "Serial"),
    ("quantity", "Quantity"),
    ("id", "Id"),
    ("pool", "Pool"),
];

/// Sentences for people where a code's own message is written for a
/// platform's API (Shipsy's "hubCode").
const SENTENCES: &[(&str, &str)] = &[(
    "CLIENT_HUB_CODE_NOT_PRESENT",
    "Give a client code or a hub code",
)];

/// An issue's message as a form shows it to people: the field's name in
/// words (`item_code is required` is "Item code is required") and the
/// sentences written for an API in words. The message an API answers is
/// unchanged; this is for pages.
///
/// ```
/// use seriesguard::error::in_words;
/// assert_eq!(in_words("ITEM_CODE_REQUIRED", "item_code", "item_code is required"), "Item code is required");
/// assert_eq!(in_words("CLIENT_HUB_CODE_NOT_PRESENT", "scope", "Either client code or hubCode should be present"), "Give a client code or a hub code");
/// assert_eq!(in_words("START_AFTER_END", "end", "start V20 is after end V10"), "Start V20 is after end V10");
/// ```
pub fn in_words(code: &str, field: &str, message: &str) -> String {
    if let Some((_, sentence)) = SENTENCES.iter().find(|(c, _)| *c == code) {
        return (*sentence).to_owned();
    }
    let label = LABELS.iter().find(|(name, _)| *name == field);
    if let Some(rest) = label.and_then(|(name, label)| {
        let rest = message.strip_prefix(name)?;
        rest.starts_with(' ').then(|| format!("{label}{rest}"))
    }) {
        return rest;
    }
    // Otherwise the message itself, begun with a capital (messages begin
    // in ASCII; Unicode's case tables would cost the build 7 KB).
    let mut text = message.to_owned();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}
