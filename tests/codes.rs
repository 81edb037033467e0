//! The stable codes, one list: every code the core can answer is declared in
//! `pkg/index.d.ts`'s `IssueCode` and in the WIT's `issue.code` docs, and
//! nothing else is. The exhaustive
//! matches below stop compiling when a variant or field is added, so the
//! list cannot drift from the enum.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;

use seriesguard::book::store_failed;
use seriesguard::check_digit::Scheme;
use seriesguard::error::{Because, Field, Invalid, Refused, RuleOption};
use seriesguard::profiles::{crm, shipsy};
use seriesguard::SeriesError;

/// One value of every variant (an exhaustive match in `variant` checks it).
fn samples() -> Vec<SeriesError> {
    let field = Field::Start;
    let mut all = vec![
        SeriesError::Required { field },
        SeriesError::Invalid {
            field,
            reason: Invalid::NoDigits,
        },
        SeriesError::PrefixMismatch {
            field,
            expected: String::new(),
            found: String::new(),
            because: Because::Rule,
        },
        SeriesError::SuffixMismatch {
            field,
            expected: String::new(),
            found: String::new(),
            because: Because::Rule,
        },
        SeriesError::WidthMismatch {
            field,
            expected: 1,
            found: 2,
            because: Because::Rule,
        },
        SeriesError::CheckDigitInvalid {
            field,
            scheme: Scheme::Luhn,
            expected: 1,
            found: 2,
        },
        SeriesError::StartAfterEnd {
            start: String::new(),
            end: String::new(),
        },
        SeriesError::Overlap {
            conflicts: Vec::new(),
            more: 0,
        },
        SeriesError::Defined(&shipsy::CLIENT_HUB_CODE_NOT_PRESENT),
        store_failed("insert", false),
        SeriesError::PrefixUndeclared {
            field,
            prefix: String::new(),
            scheme: Scheme::Luhn,
        },
        SeriesError::RulesMismatch {
            stored: String::new(),
            given: String::new(),
        },
        SeriesError::RangeTooLarge { count: 2, max: 1 },
    ];
    let (pool, key, start, end) = (String::new(), String::new(), String::new(), String::new());
    let refusals = vec![
        Refused::PoolUnknown { pool: pool.clone() },
        Refused::PoolExhausted {
            pool: pool.clone(),
            wanted: 1,
            largest: 0,
        },
        Refused::NotAvailable {
            pool: pool.clone(),
            start: start.clone(),
            end: end.clone(),
            state: "",
        },
        Refused::StateConflict {
            pool: pool.clone(),
            start: start.clone(),
            end: end.clone(),
            state: "",
            expected: "",
        },
        Refused::PoolExists { pool: pool.clone() },
        Refused::PoolsOverlap {
            pool: pool.clone(),
            other: pool.clone(),
            start,
            end,
        },
        Refused::ReservationUnknown { key: key.clone() },
        Refused::ReservationExpired {
            key: key.clone(),
            at: String::new(),
        },
        Refused::ReservationClosed {
            key: key.clone(),
            status: "",
        },
        Refused::KeyReused { key },
        Refused::QuotaExceeded {
            pool,
            quota: 1,
            held: 1,
            wanted: 1,
        },
    ];
    assert_eq!(
        refusals.iter().map(refusal).collect::<BTreeSet<_>>().len(),
        11,
        "one sample per refusal"
    );
    all.extend(refusals.into_iter().map(SeriesError::Lifecycle));
    all
}

fn refusal(refused: &Refused) -> usize {
    match refused {
        Refused::PoolUnknown { .. } => 0,
        Refused::PoolExhausted { .. } => 1,
        Refused::NotAvailable { .. } => 2,
        Refused::StateConflict { .. } => 3,
        Refused::PoolExists { .. } => 4,
        Refused::PoolsOverlap { .. } => 5,
        Refused::ReservationUnknown { .. } => 6,
        Refused::ReservationExpired { .. } => 7,
        Refused::ReservationClosed { .. } => 8,
        Refused::KeyReused { .. } => 9,
        Refused::QuotaExceeded { .. } => 10,
    }
}

fn variant(error: &SeriesError) -> usize {
    match error {
        SeriesError::Required { .. } => 0,
        SeriesError::Invalid { .. } => 1,
        SeriesError::PrefixMismatch { .. } => 2,
        SeriesError::SuffixMismatch { .. } => 3,
        SeriesError::WidthMismatch { .. } => 4,
        SeriesError::CheckDigitInvalid { .. } => 5,
        SeriesError::StartAfterEnd { .. } => 6,
        SeriesError::Overlap { .. } => 7,
        SeriesError::Defined(_) => 8,
        SeriesError::StoreFailed { .. } => 9,
        SeriesError::PrefixUndeclared { .. } => 10,
        SeriesError::RulesMismatch { .. } => 11,
        SeriesError::RangeTooLarge { .. } => 12,
        SeriesError::Lifecycle(_) => 13,
    }
}

/// Every field (an exhaustive match in `field_index` checks it).
fn fields() -> Vec<Field> {
    use Field::*;
    let mut all = vec![
        Start,
        End,
        Serial,
        Scheme,
        Input,
        ItemCode,
        Type,
        Params,
        Secret,
        Hash,
        Key,
        Message,
        Encoding,
        Series,
        Id,
        Quantity,
        Pool,
        Snapshot,
        Scope,
        Store,
        ServiceTypes,
        Policy,
        Time,
        Ttl,
        Request,
        Owner,
    ];
    all.extend(
        [
            RuleOption::Whole,
            RuleOption::Width,
            RuleOption::Prefix,
            RuleOption::MaxCount,
            RuleOption::NumericOnly,
            RuleOption::Scheme,
            RuleOption::Format,
        ]
        .map(Rules),
    );
    all
}

fn field_index(field: Field) -> usize {
    use Field::*;
    match field {
        Start => 0,
        End => 1,
        Serial => 2,
        Scheme => 3,
        Input => 4,
        ItemCode => 5,
        Type => 6,
        Params => 7,
        Secret => 8,
        Hash => 9,
        Key => 10,
        Message => 11,
        Encoding => 12,
        Series => 13,
        Id => 14,
        Quantity => 15,
        Pool => 16,
        Snapshot => 17,
        Scope => 18,
        Store => 19,
        ServiceTypes => 20,
        Rules(_) => 21,
        Policy => 22,
        Time => 23,
        Request => 24,
        Owner => 25,
        Ttl => 26,
    }
}

/// Every code the core answers.
fn core_codes() -> BTreeSet<&'static str> {
    let samples = samples();
    let variants: BTreeSet<usize> = samples.iter().map(variant).collect();
    assert_eq!(variants.len(), 14, "one sample per variant");
    let fields = fields();
    assert_eq!(
        fields
            .iter()
            .map(|f| field_index(*f))
            .collect::<BTreeSet<_>>()
            .len(),
        27,
        "every field"
    );
    let mut codes: BTreeSet<&'static str> = samples.iter().map(SeriesError::code).collect();
    // The refusals platforms and bindings define, with their own texts.
    // (INTERNAL_TRAP is the JS binding's: tests/js/trap.test.mjs checks it.)
    for defined in [
        &shipsy::CLIENT_HUB_CODE_NOT_PRESENT,
        &crm::ITEM_CODE_UNKNOWN,
        &crm::ITEM_CODE_NOT_TRACEABLE,
    ] {
        codes.insert(defined.code);
    }
    codes.insert("INTERNAL_TRAP");
    for field in fields {
        codes.insert(SeriesError::Required { field }.code());
        codes.insert(
            SeriesError::Invalid {
                field,
                reason: Invalid::NoDigits,
            }
            .code(),
        );
    }
    codes
}

#[test]
fn index_d_ts_declares_exactly_the_core_codes() {
    let dts =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/pkg/index.d.ts")).unwrap();
    let start = dts.find("export type IssueCode =").unwrap();
    let union = &dts[start..start + dts[start..].find(';').unwrap()];
    let declared: BTreeSet<&str> = union.split('\'').skip(1).step_by(2).collect();
    let core = core_codes();
    assert_eq!(declared, core, "index.d.ts IssueCode vs the core's codes");
}

#[test]
fn the_wit_documents_exactly_the_core_codes() {
    let wit = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/seriesguard.wit"))
        .unwrap();
    // The doc comment right above `issue`'s `code` field.
    let field = wit.find("    code: string,").unwrap();
    let docs: Vec<&str> = wit[..field]
        .lines()
        .rev()
        .take_while(|l| l.trim_start().starts_with("///"))
        .collect();
    let declared: BTreeSet<&str> = docs
        .iter()
        .flat_map(|l| l.split(|c: char| !(c.is_ascii_uppercase() || c == '_')))
        .filter(|w| w.len() >= 5)
        .collect();
    let mut core = core_codes();
    // The JS binding's own refusal: a trapped wasm instance.
    core.remove("INTERNAL_TRAP");
    assert_eq!(declared, core, "the WIT's issue codes vs the core's codes");
}
