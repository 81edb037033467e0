//! The WebAssembly Component binding (`wit/seriesguard.wit`, built with
//! `--features component --target wasm32-wasip2`): typed WIT values in and
//! out, every decision delegated to the core, exactly as `src/wasm/` does for
//! JS. Persistence is the host's, through the imported `store` interface.
//!
//! Every exported function answers; none panics on input (the core never
//! does, and nothing here indexes or unwraps).

// The generated glue uses unsafe (the canonical ABI); this module's own code
// does not.
#[allow(unsafe_code, missing_docs, clippy::all)]
mod bindings {
    wit_bindgen::generate!({ path: "wit", world: "seriesguard" });
}

use std::cell::RefCell;

use bindings::exports::seriesguard::core::{book, inventory, profiles, rules, signing};
use bindings::seriesguard::core::types as wit;
use bindings::seriesguard::core::{host, store};

use crate::book::{Refusal, Request, Row};
use crate::bulk::BulkMode;
use crate::error::{Field, SeriesError};
use crate::flow::{self, BookFlow, Done, Mode, Record, Step, SyncStore};
use crate::input::Value;
use crate::inventory::{Conflict, Inventory, Piece, PoolKey, PoolValues, Segments, SeriesId};
use crate::packed;
use crate::profiles::{abillity, mor, shipsy, Answer, Reply, Step as PStep};
use crate::range::{self, RuleValues, SeriesRules};
use crate::signing as core_signing;

struct Component;

// ----- conversions -----

fn text(s: &str) -> Value<'_> {
    Value::Text(s)
}

fn opt(s: &Option<String>) -> Value<'_> {
    s.as_deref().map_or(Value::Absent, Value::Text)
}

/// Rules as the host gave them, typed, with the issues of wrong options.
fn read_rules(rules: &Option<wit::Rules>) -> (SeriesRules, Vec<SeriesError>) {
    let Some(r) = rules else {
        return (SeriesRules::default(), Vec::new());
    };
    SeriesRules::from_values(&RuleValues {
        width: r
            .width
            .map_or(Value::Absent, |w| Value::Number(f64::from(w))),
        prefix: opt(&r.prefix),
        max_count: opt(&r.max_count),
        numeric_only: Value::Bool(r.numeric_only),
        scheme: opt(&r.scheme),
        format: opt(&r.format),
    })
}

fn issue(e: &SeriesError) -> wit::Issue {
    wit::Issue {
        code: e.code().to_owned(),
        field: Some(e.field().to_string()),
        message: e.to_string(),
    }
}

fn conflict(c: &Conflict) -> wit::Conflict {
    wit::Conflict {
        id: c.id.to_string(),
        start: c.start.clone(),
        end: c.end.clone(),
        count: c.count.to_string(),
    }
}

fn piece(p: &Piece) -> wit::Piece {
    wit::Piece {
        start: p.start.clone(),
        end: p.end.clone(),
        count: p.count.to_string(),
    }
}

/// A refusal: the first issue's code and message, every issue, and the
/// conflicts of an OVERLAP.
fn refusal(issues: &[SeriesError]) -> wit::SeriesError {
    let first = crate::inventory::first_issue(issues.to_vec());
    let (code, message) = (first.code(), first.to_string());
    let conflicts = issues
        .iter()
        .find_map(|e| match e {
            SeriesError::Overlap { conflicts, .. } => {
                Some(conflicts.iter().map(conflict).collect())
            }
            _ => None,
        })
        .unwrap_or_default();
    wit::SeriesError {
        code: code.to_owned(),
        message,
        issues: issues.iter().map(issue).collect(),
        conflicts,
    }
}

fn one(e: SeriesError) -> wit::SeriesError {
    refusal(std::slice::from_ref(&e))
}

/// The rules, or the refusal their issues make.
fn rules_or_refusal(rules: &Option<wit::Rules>) -> Result<SeriesRules, wit::SeriesError> {
    match read_rules(rules) {
        (rules, issues) if issues.is_empty() => Ok(rules),
        (_, issues) => Err(refusal(&issues)),
    }
}

/// A validation answer: ok when there are no issues, the count whenever
/// the range could be read (as the JS surface answers).
fn validation(range: Option<&range::SeriesRange<'_>>, issues: &[SeriesError]) -> wit::Validation {
    wit::Validation {
        ok: issues.is_empty(),
        count: range.map(|r| r.count().to_string()),
        start: range.map(|r| r.start_text().into_owned()),
        end: range.map(|r| r.end_text().into_owned()),
        issues: issues.iter().map(issue).collect(),
    }
}

fn reply(r: Reply, xml: Option<String>) -> wit::Reply {
    wit::Reply {
        status: r.status,
        body: r.body,
        xml,
    }
}

// ----- rules -----

impl rules::Guest for Component {
    fn validate_series(start: String, end: String, rules: Option<wit::Rules>) -> wit::Validation {
        let (rules, mut issues) = read_rules(&rules);
        let v = range::validate(text(&start), text(&end), &rules);
        issues.extend(v.issues);
        validation(v.range.as_ref(), &issues)
    }

    fn validate_many(
        inputs: Vec<rules::SeriesInput>,
        rules: Option<wit::Rules>,
    ) -> Vec<wit::Validation> {
        let (rules, rule_issues) = read_rules(&rules);
        inputs
            .iter()
            .map(|input| {
                let v = range::validate(text(&input.start), text(&input.end), &rules);
                let mut issues = rule_issues.clone();
                issues.extend(v.issues);
                validation(v.range.as_ref(), &issues)
            })
            .collect()
    }

    fn validate_packed(packed: String, rules: Option<wit::Rules>) -> String {
        let (rules, rule_issues) = read_rules(&rules);
        let mut out = String::with_capacity(packed.len());
        for (i, mut fields) in packed::records(&packed).enumerate() {
            if i > 0 {
                out.push(packed::GS);
            }
            let (start, end) = (
                fields.next().unwrap_or_default(),
                fields.next().unwrap_or_default(),
            );
            let simple = rule_issues.is_empty();
            if let (true, Some(range::Simple::Count(count))) =
                (simple, range::simple_check(start, end, &rules))
            {
                packed::push_head(&mut out, true, count, start, end);
                continue;
            }
            let v = range::validate(Value::Text(start), Value::Text(end), &rules);
            let issues = [rule_issues.as_slice(), &v.issues].concat();
            packed::push_validation(&mut out, v.range.as_ref(), &issues, None);
        }
        out
    }

    fn count_series(
        start: String,
        end: String,
        rules: Option<wit::Rules>,
    ) -> Result<String, wit::SeriesError> {
        let (rules, mut issues) = read_rules(&rules);
        let v = range::validate(text(&start), text(&end), &rules);
        issues.extend(v.issues);
        match v.range {
            Some(r) if issues.is_empty() => Ok(r.count().to_string()),
            _ => Err(refusal(&issues)),
        }
    }

    fn parse_serial(
        serial: String,
        rules: Option<wit::Rules>,
    ) -> Result<wit::Serial, wit::SeriesError> {
        let (rules, mut issues) = read_rules(&rules);
        let parsed = range::read(text(&serial), Field::Serial, &rules, &mut issues);
        match parsed {
            Some(s) if issues.is_empty() => Ok(wit::Serial {
                text: s.text().to_owned(),
                prefix: s.prefix().to_owned(),
                body: s.digits_text().into_owned(),
                width: u32::try_from(s.width()).unwrap_or(u32::MAX),
                suffix: s.suffix().to_owned(),
                check_digit: s.check_digit().map(|d| d.to_string()),
            }),
            _ => Err(refusal(&issues)),
        }
    }

    fn check_digit(scheme: String, body: String) -> Result<String, wit::SeriesError> {
        range::check_digit_of(text(&scheme), text(&body))
            .map(|d| d.to_string())
            .map_err(one)
    }

    fn verify_check_digit(scheme: String, id: String) -> Result<bool, wit::SeriesError> {
        range::verify_check_digit(text(&scheme), text(&id)).map_err(one)
    }

    fn in_words(code: String, field: String, message: String) -> String {
        crate::error::in_words(&code, &field, &message)
    }

    fn read_csv(text: String) -> Result<Vec<Vec<String>>, wit::SeriesError> {
        crate::csv::read(&text).map_err(one)
    }

    fn write_csv(rows: Vec<Vec<String>>) -> String {
        crate::csv::write(&rows)
    }

    fn split_series(
        start: String,
        end: String,
        max_per_chunk: String,
        rules: Option<wit::Rules>,
    ) -> Result<Vec<wit::Piece>, wit::SeriesError> {
        let (rules, issues) = read_rules(&rules);
        crate::inventory::split_series(
            text(&start),
            text(&end),
            text(&max_per_chunk),
            &rules,
            issues,
        )
        .map(|pieces| pieces.iter().map(piece).collect())
        .map_err(|issues| refusal(&issues))
    }
}

// ----- signing -----

impl signing::Guest for Component {
    fn mor_hash(params: Vec<String>, secret: String) -> Result<String, wit::SeriesError> {
        let secret = crate::input::text_arg(text(&secret), Field::Secret).map_err(one)?;
        core_signing::mor_hash(&params, secret).map_err(one)
    }

    fn verify_mor_hash(
        params: Vec<String>,
        secret: String,
        hash: String,
    ) -> Result<bool, wit::SeriesError> {
        let secret = crate::input::text_arg(text(&secret), Field::Secret).map_err(one)?;
        let hash = crate::input::text_arg(text(&hash), Field::Hash).map_err(one)?;
        core_signing::verify_mor_hash(&params, secret, hash).map_err(one)
    }

    fn hmac_sha256(
        key: String,
        message: String,
        base64url: bool,
    ) -> Result<String, wit::SeriesError> {
        let key = crate::input::text_arg(text(&key), Field::Key).map_err(one)?;
        let encoding = if base64url { "base64url" } else { "hex" };
        let encoding = core_signing::Encoding::from_value(text(encoding)).map_err(one)?;
        core_signing::hmac_sha256(key.as_bytes(), message.as_bytes(), encoding).map_err(one)
    }

    fn verify_hmac_sha256(
        key: String,
        message: String,
        signature: String,
    ) -> Result<bool, wit::SeriesError> {
        let key = crate::input::text_arg(text(&key), Field::Key).map_err(one)?;
        let signature = crate::input::text_arg(text(&signature), Field::Hash).map_err(one)?;
        core_signing::verify_hmac_sha256(key.as_bytes(), message.as_bytes(), signature).map_err(one)
    }

    fn fingerprint(
        start: String,
        end: String,
        item_code: Option<String>,
        kind: Option<String>,
        rules: Option<wit::Rules>,
    ) -> Result<String, wit::SeriesError> {
        let rules = rules_or_refusal(&rules)?;
        core_signing::fingerprint_input(
            text(&start),
            text(&end),
            opt(&item_code),
            opt(&kind),
            &rules,
        )
        .map_err(|issues| refusal(&issues))
    }
}

// ----- inventory -----

/// The `series-index` resource: an [`Inventory`] and the rules its series follow.
pub struct Index {
    inventory: RefCell<Inventory>,
    pools: RefCell<crate::lifecycle::Pools>,
    rules: SeriesRules,
    rule_issues: Vec<SeriesError>,
}

impl Index {
    /// The segments of a series, or every issue (the rules' first).
    fn segments<'a>(&self, series: &'a wit::Series) -> Result<Segments<'a>, wit::SeriesError> {
        if !self.rule_issues.is_empty() {
            return Err(refusal(&self.rule_issues));
        }
        crate::inventory::series_segments(
            text(&series.start),
            text(&series.end),
            opt(&series.scope),
            &self.rules,
        )
        .map_err(|issues| refusal(&issues))
    }

    /// A stored series' id and segments, or every issue of both.
    fn read_item<'a>(
        &self,
        s: &'a wit::Series,
    ) -> Result<(SeriesId, Segments<'a>), Vec<SeriesError>> {
        crate::inventory::series_item(
            text(&s.id),
            text(&s.start),
            text(&s.end),
            opt(&s.scope),
            &self.rules,
        )
    }

    /// [`Index::read_item`] under the index's rules, as one refusal.
    fn item<'a>(&self, s: &'a wit::Series) -> Result<(SeriesId, Segments<'a>), wit::SeriesError> {
        if !self.rule_issues.is_empty() {
            return Err(refusal(&self.rule_issues));
        }
        self.read_item(s).map_err(|issues| refusal(&issues))
    }
}

impl Index {
    fn with(rules: SeriesRules, rule_issues: Vec<SeriesError>, merge_adjacent: bool) -> Index {
        Index {
            inventory: RefCell::new(Inventory::new(merge_adjacent).with_format(rules.format)),
            pools: RefCell::default(),
            rules,
            rule_issues,
        }
    }
}

impl inventory::Guest for Component {
    type SeriesIndex = Index;
}

impl inventory::GuestSeriesIndex for Index {
    fn new(rules: Option<wit::Rules>, merge_adjacent: bool) -> Self {
        let (rules, rule_issues) = read_rules(&rules);
        Index::with(rules, rule_issues, merge_adjacent)
    }

    fn add(&self, series: wit::Series) -> Result<(), wit::SeriesError> {
        let (id, segments) = self.item(&series)?;
        self.inventory
            .borrow_mut()
            .insert(&id, &segments)
            .map_err(one)
    }

    /// Every series read, all or none; every unreadable one reported (as
    /// the npm package's `addMany` does), then the collisions.
    fn add_many(&self, series: Vec<wit::Series>) -> Result<(), wit::SeriesError> {
        if !self.rule_issues.is_empty() {
            return Err(refusal(&self.rule_issues));
        }
        let items = series.iter().map(|s| self.read_item(s));
        self.inventory
            .borrow_mut()
            .insert_all(items, series.len())
            .map_err(|issues| refusal(&issues))
    }

    fn overlaps(&self, series: wit::Series) -> Result<Vec<wit::Conflict>, wit::SeriesError> {
        let segments = self.segments(&series)?;
        Ok(self
            .inventory
            .borrow()
            .overlaps(&segments)
            .iter()
            .map(conflict)
            .collect())
    }

    fn overlaps_many(
        &self,
        queries: Vec<wit::Series>,
    ) -> Vec<Result<Vec<wit::Conflict>, wit::SeriesError>> {
        queries
            .into_iter()
            .map(|q| inventory::GuestSeriesIndex::overlaps(self, q))
            .collect()
    }

    fn add_packed(&self, packed: String) -> Result<(), wit::SeriesError> {
        if !self.rule_issues.is_empty() {
            return Err(refusal(&self.rule_issues));
        }
        let items = packed::records(&packed).map(|mut f| {
            let [id, start, end, scope] = [(); 4].map(|_| f.next().unwrap_or_default());
            let text = Value::Text;
            crate::inventory::series_item(
                text(id),
                text(start),
                text(end),
                packed_scope(scope),
                &self.rules,
            )
        });
        self.inventory
            .borrow_mut()
            .insert_all(items, 0)
            .map_err(|issues| refusal(&issues))
    }

    fn overlaps_packed(&self, packed: String) -> String {
        let index = self.inventory.borrow();
        let mut out = String::new();
        for (i, mut f) in packed::records(&packed).enumerate() {
            if i > 0 {
                out.push(packed::FS);
            }
            let [start, end, scope] = [(); 3].map(|_| f.next().unwrap_or_default());
            let answer = match self.rule_issues.is_empty() {
                true => crate::inventory::series_segments(
                    Value::Text(start),
                    Value::Text(end),
                    packed_scope(scope),
                    &self.rules,
                )
                .map(|segments| index.overlaps(&segments)),
                false => Err(self.rule_issues.clone()),
            };
            packed::push_conflicts_or(&mut out, &answer);
        }
        out
    }

    fn has_overlap(&self, series: wit::Series) -> Result<bool, wit::SeriesError> {
        let segments = self.segments(&series)?;
        Ok(self.inventory.borrow().any_overlap(&segments))
    }

    fn gaps(&self, series: wit::Series) -> Result<Vec<wit::Piece>, wit::SeriesError> {
        let segments = self.segments(&series)?;
        Ok(self
            .inventory
            .borrow()
            .gaps(&segments)
            .iter()
            .map(piece)
            .collect())
    }

    fn plan(&self, series: wit::Series) -> Result<wit::Plan, wit::SeriesError> {
        let segments = self.segments(&series)?;
        Ok(plan_of(&self.inventory.borrow().plan(&segments)))
    }

    fn plan_many(&self, queries: Vec<wit::Series>) -> Vec<Result<wit::Plan, wit::SeriesError>> {
        queries
            .into_iter()
            .map(|q| inventory::GuestSeriesIndex::plan(self, q))
            .collect()
    }

    fn allocate(
        &self,
        pool: wit::Pool,
        quantity: String,
        id: Option<String>,
    ) -> Result<Option<wit::Piece>, wit::SeriesError> {
        let values = PoolValues {
            prefix: opt(&pool.prefix),
            suffix: opt(&pool.suffix),
            width: Value::Number(f64::from(pool.width)),
            scheme: opt(&pool.scheme),
            scope: opt(&pool.scope),
            first: text(&pool.first),
            last: text(&pool.last),
        };
        self.inventory
            .borrow_mut()
            .allocate(&values, text(&quantity), opt(&id))
            .map(|block| block.as_ref().map(piece))
            .map_err(|issues| refusal(&issues))
    }

    fn remove(&self, id: String) -> bool {
        SeriesId::from_value(text(&id)).is_ok_and(|id| self.inventory.borrow_mut().remove(&id))
    }

    fn size(&self) -> u64 {
        u64::try_from(self.inventory.borrow().ranges()).unwrap_or(u64::MAX)
    }

    fn held_bytes(&self) -> u64 {
        u64::try_from(self.inventory.borrow().held_bytes()).unwrap_or(u64::MAX)
    }

    fn stats(&self) -> inventory::IndexStats {
        let stats = self.inventory.borrow().stats();
        inventory::IndexStats {
            ranges: u64::try_from(stats.ranges).unwrap_or(u64::MAX),
            numbers: stats.numbers.map(|n| n.to_string()),
            pools: stats
                .pools
                .iter()
                .map(|(key, ranges, numbers)| inventory::PoolStats {
                    prefix: key.prefix.clone(),
                    suffix: key.suffix.clone(),
                    width: u32::try_from(key.width).unwrap_or(u32::MAX),
                    scheme: key.scheme.name().to_owned(),
                    scope: key.scope.clone(),
                    ranges: u64::try_from(*ranges).unwrap_or(u64::MAX),
                    numbers: numbers.to_string(),
                })
                .collect(),
        }
    }

    fn entries(&self) -> Vec<inventory::Entry> {
        self.inventory
            .borrow()
            .iter()
            .map(|(key, first, last, id)| inventory::Entry {
                id: id.to_string(),
                start: key.as_ref().identifier(first),
                end: key.as_ref().identifier(last),
                count: (last - first + 1).to_string(),
                scope: key.scope.clone(),
            })
            .collect()
    }

    fn to_json(&self) -> inventory::IndexSnapshot {
        let index = self.inventory.borrow();
        let mut pools: Vec<inventory::SnapshotPool> = Vec::new();
        for (key, first, last, id) in index.iter() {
            let range = (first.to_string(), last.to_string(), id.to_string());
            match pools.last_mut() {
                Some(p)
                    if p.prefix == key.prefix
                        && p.suffix == key.suffix
                        && p.width as usize == key.width
                        && p.scheme == key.scheme.name()
                        && p.scope == key.scope =>
                {
                    p.ranges.push(range)
                }
                _ => pools.push(inventory::SnapshotPool {
                    prefix: key.prefix.clone(),
                    suffix: key.suffix.clone(),
                    width: u32::try_from(key.width).unwrap_or(u32::MAX),
                    scheme: key.scheme.name().to_owned(),
                    scope: key.scope.clone(),
                    ranges: vec![range],
                }),
            }
        }
        inventory::IndexSnapshot {
            format: crate::inventory::SNAPSHOT_FORMAT.to_owned(),
            version: 1,
            merge_adjacent: index.merges_adjacent(),
            rules: inventory::SnapshotRules {
                format: crate::formats::stored_name(index.format()).to_owned(),
            },
            pools,
        }
    }

    fn load_json(&self, snapshot: inventory::IndexSnapshot) -> Result<(), wit::SeriesError> {
        let (head, items) = snapshot_parts(&snapshot);
        self.inventory
            .borrow_mut()
            .load_snapshot(head, items)
            .map_err(|issues| refusal(&issues))
    }

    fn to_bytes(&self) -> Vec<u8> {
        self.inventory.borrow().to_bytes()
    }

    fn lifecycle(&self, request: String) -> Result<String, wit::SeriesError> {
        if !self.rule_issues.is_empty() {
            return Err(refusal(&self.rule_issues));
        }
        self.pools
            .borrow_mut()
            .run(&request, &self.rules)
            .map_err(|e| refusal(&[e]))
    }

    fn from_bytes(
        bytes: Vec<u8>,
        rules: Option<wit::Rules>,
    ) -> Result<inventory::SeriesIndex, wit::SeriesError> {
        let given = match rules {
            Some(_) => match read_rules(&rules) {
                (rules, issues) if issues.is_empty() => Some(rules),
                (_, issues) => return Err(refusal(&issues)),
            },
            None => None,
        };
        let (held, rules) = Inventory::from_bytes(&bytes, given).map_err(|e| refusal(&e))?;
        Ok(inventory::SeriesIndex::new(Index {
            inventory: RefCell::new(held),
            pools: RefCell::default(),
            rules,
            rule_issues: Vec::new(),
        }))
    }

    fn from_json(
        snapshot: inventory::IndexSnapshot,
        rules: Option<wit::Rules>,
    ) -> Result<inventory::SeriesIndex, wit::SeriesError> {
        let (head, _) = snapshot_parts(&snapshot);
        let (rules, rule_issues) = match rules {
            Some(_) => read_rules(&rules),
            None => head.rules(),
        };
        if !rule_issues.is_empty() {
            return Err(refusal(&rule_issues));
        }
        let index = Index::with(rules, rule_issues, snapshot.merge_adjacent);
        inventory::GuestSeriesIndex::load_json(&index, snapshot)?;
        Ok(inventory::SeriesIndex::new(index))
    }
}

/// A packed record's scope: an empty field is none, as `option<string>`'s none.
fn packed_scope(scope: &str) -> Value<'_> {
    if scope.is_empty() {
        Value::Absent
    } else {
        Value::Text(scope)
    }
}

/// A typed snapshot as the core reads one: its head and its records in order.
fn snapshot_parts(
    s: &inventory::IndexSnapshot,
) -> (
    crate::inventory::Head<'_>,
    impl Iterator<Item = crate::inventory::Item<'_>>,
) {
    use crate::inventory::{Head, Item};
    let head = Head {
        format: text(&s.format),
        version: Value::Number(f64::from(s.version)),
        rules_format: text(&s.rules.format),
    };
    let items = s.pools.iter().flat_map(|p| {
        let pool = Item::Pool {
            prefix: text(&p.prefix),
            suffix: text(&p.suffix),
            width: Value::Number(f64::from(p.width)),
            scheme: text(&p.scheme),
            scope: text(&p.scope),
        };
        let ranges = p.ranges.iter().map(|(first, last, id)| Item::Range {
            first: text(first),
            last: text(last),
            id: text(id),
        });
        std::iter::once(pool).chain(ranges)
    });
    (head, items)
}

// ----- book: the core's flows over the imported store -----

/// The imported `store` interface as the core's [`SyncStore`].
struct HostStore;

fn pool_key(pool: &PoolKey, format: &str) -> store::PoolKey {
    let key = pool.as_ref();
    store::PoolKey {
        key: key.key_text(),
        prefix: key.prefix.to_owned(),
        suffix: key.suffix.to_owned(),
        width: u32::try_from(key.width).unwrap_or(u32::MAX),
        scheme: key.scheme.name().to_owned(),
        scope: key.scope.to_owned(),
        format: format.to_owned(),
    }
}

fn created(record: &Record) -> store::CreatedSeries {
    store::CreatedSeries {
        id: record.id.to_string(),
        start: record.start.clone(),
        end: record.end.clone(),
        count: record.count.to_string(),
        fingerprint: record.fingerprint.clone(),
        scope: record.scope.clone(),
        item_code: record.item_code.clone(),
        kind: record.kind.name().to_owned(),
        format: record.format_name().to_owned(),
        segments: record
            .segments
            .iter()
            .map(|(pool, first, last)| store::Segment {
                pool: pool_key(pool, record.format_name()),
                first: first.to_string(),
                last: last.to_string(),
            })
            .collect(),
    }
}

impl SyncStore for HostStore {
    fn overlapping(
        &mut self,
        pool: &PoolKey,
        first: u128,
        last: u128,
        format: &str,
    ) -> Result<Vec<Row>, Refusal> {
        let rows = store::overlapping(
            &pool_key(pool, format),
            &first.to_string(),
            &last.to_string(),
        )
        .map_err(refusal_of)?;
        Ok(rows
            .into_iter()
            .map(|r| Row {
                id: r.id,
                first: r.first,
                last: r.last,
                format: r.format,
            })
            .collect())
    }

    fn insert(&mut self, record: &Record) -> Result<(), Refusal> {
        store::insert(&created(record)).map_err(refusal_of)
    }

    fn insert_many(&mut self, records: &[Record]) -> Result<(), Refusal> {
        store::insert_many(&records.iter().map(created).collect::<Vec<_>>()).map_err(refusal_of)
    }
}

/// A store's error as the core reads it.
fn refusal_of(e: store::StoreError) -> Refusal {
    match e {
        store::StoreError::Overlap => Refusal::Overlap,
        store::StoreError::Failed(_) => Refusal::Failed,
        store::StoreError::NotRows(_) => Refusal::NotRows,
        store::StoreError::Stale => Refusal::Failed,
    }
}

/// The imported store, for the lifecycle's pool book.
struct HostPools;

impl crate::lifecycle::book::SyncPoolStore for HostPools {
    fn trail(
        &mut self,
        after: crate::lifecycle::book::Head,
    ) -> Result<String, crate::lifecycle::book::StoreRefusal> {
        store::pool_trail(&after.json()).map_err(|_| crate::lifecycle::book::StoreRefusal::Failed)
    }

    fn append(&mut self, change: &str) -> Result<String, crate::lifecycle::book::StoreRefusal> {
        use crate::lifecycle::book::StoreRefusal;
        store::append_pool(change).map_err(|e| match e {
            store::StoreError::Stale => StoreRefusal::Stale,
            _ => StoreRefusal::Failed,
        })
    }
}

thread_local! {
    /// The pools this instance keeps in step with the host's store.
    static POOL_BOOK: RefCell<crate::lifecycle::book::PoolBook> = RefCell::default();
}

/// Runs a book flow over the imported store.
fn run_flow(
    mode: Mode,
    request: &book::CreateRequest,
    rules: &Option<wit::Rules>,
) -> Result<Done, wit::SeriesError> {
    let rules = rules_or_refusal(rules)?;
    flow::run(mode, &self::request(request), &rules, &mut HostStore)
        .map_err(|issues| refusal(&issues))
}

/// A bulk flow's answer in the component's types.
struct BulkOut {
    outcomes: Vec<book::BulkOutcome>,
    created: Vec<store::CreatedSeries>,
    stored: bool,
}

fn run_bulk(
    mode: BulkMode,
    requests: &[book::CreateRequest],
    rules: &Option<wit::Rules>,
) -> Result<BulkOut, wit::SeriesError> {
    let rules = rules_or_refusal(rules)?;
    let requests: Vec<Request<'_>> = requests.iter().map(request).collect();
    let bulk = flow::run_bulk(mode, &requests, &rules, &mut HostStore)
        .map_err(|issues| refusal(&issues))?;
    Ok(BulkOut {
        outcomes: bulk
            .outcomes
            .iter()
            .map(|o| match o {
                Ok(plan) => book::BulkOutcome::Planned(plan_of(plan)),
                Err(issues) => book::BulkOutcome::Refused(refusal(issues)),
            })
            .collect(),
        created: match bulk.stored {
            true => bulk.records.iter().map(created).collect(),
            false => Vec::new(),
        },
        stored: bulk.stored,
    })
}

fn plan_of(plan: &crate::inventory::Plan) -> wit::Plan {
    wit::Plan {
        create: plan.create.iter().map(piece).collect(),
        skipped: plan.skipped.iter().map(conflict).collect(),
        created: plan.created.to_string(),
        requested: plan.requested.to_string(),
    }
}

/// A flow that answered another kind of result than its mode gives (never).
fn unexpected() -> wit::SeriesError {
    one(crate::book::store_failed("callback", false))
}

fn request(r: &book::CreateRequest) -> Request<'_> {
    Request {
        id: opt(&r.id),
        start: text(&r.start),
        end: text(&r.end),
        scope: opt(&r.scope),
        item_code: opt(&r.item_code),
        kind: opt(&r.kind),
    }
}

impl book::Guest for Component {
    fn lifecycle(request: String, rules: Option<wit::Rules>) -> Result<String, wit::SeriesError> {
        let rules = rules_or_refusal(&rules)?;
        // A store callback calling back in finds the book busy: refused, not a trap.
        POOL_BOOK
            .with(|book| match book.try_borrow_mut() {
                Ok(mut book) => book.run(&request, &rules, &mut HostPools),
                Err(_) => Err(crate::book::store_failed("callback", false)),
            })
            .map_err(|e| refusal(&[e]))
    }

    fn prepare(
        request: book::CreateRequest,
        rules: Option<wit::Rules>,
    ) -> Result<store::CreatedSeries, wit::SeriesError> {
        let rules = rules_or_refusal(&rules)?;
        let (flow, step) = BookFlow::start(Mode::Create, &self::request(&request), &rules);
        match step {
            Step::Done(Err(issues)) => Err(refusal(&issues)),
            _ => Ok(created(flow.record())),
        }
    }

    fn create(
        request: book::CreateRequest,
        rules: Option<wit::Rules>,
    ) -> Result<store::CreatedSeries, wit::SeriesError> {
        match run_flow(Mode::Create, &request, &rules)? {
            Done::Created(record) => Ok(created(&record)),
            _ => Err(unexpected()),
        }
    }

    fn conflicts(
        request: book::CreateRequest,
        rules: Option<wit::Rules>,
    ) -> Result<Vec<wit::Conflict>, wit::SeriesError> {
        match run_flow(Mode::Conflicts, &request, &rules)? {
            Done::Conflicts(found) => Ok(found.iter().map(conflict).collect()),
            _ => Err(unexpected()),
        }
    }

    fn plan(
        request: book::CreateRequest,
        rules: Option<wit::Rules>,
    ) -> Result<wit::Plan, wit::SeriesError> {
        match run_flow(Mode::Plan, &request, &rules)? {
            Done::Plan(plan) => Ok(plan_of(&plan)),
            _ => Err(unexpected()),
        }
    }

    fn create_free(
        request: book::CreateRequest,
        rules: Option<wit::Rules>,
    ) -> Result<store::CreatedSeries, wit::SeriesError> {
        match run_flow(Mode::CreateFree, &request, &rules)? {
            Done::Created(record) => Ok(created(&record)),
            _ => Err(unexpected()),
        }
    }

    fn verify(
        series: store::CreatedSeries,
        rules: Option<wit::Rules>,
    ) -> Result<(), wit::SeriesError> {
        let rules = rules_or_refusal(&rules)?;
        let request = Request {
            id: Value::Text(&series.id),
            start: Value::Text(&series.start),
            end: Value::Text(&series.end),
            scope: Value::Text(&series.scope),
            item_code: Value::Text(&series.item_code),
            kind: Value::Text(&series.kind),
        };
        let segments: Vec<(&str, Value<'_>, Value<'_>)> = series
            .segments
            .iter()
            .map(|s| {
                (
                    s.pool.key.as_str(),
                    Value::Text(&s.first),
                    Value::Text(&s.last),
                )
            })
            .collect();
        crate::book::verify(&request, &segments, Value::Text(&series.count), &rules)
            .map_err(|issues| refusal(&issues))
    }

    fn plan_many(
        requests: Vec<book::CreateRequest>,
        free: bool,
        rules: Option<wit::Rules>,
    ) -> Result<Vec<book::BulkOutcome>, wit::SeriesError> {
        Ok(run_bulk(BulkMode::Plan { free }, &requests, &rules)?.outcomes)
    }

    fn create_many(
        requests: Vec<book::CreateRequest>,
        free: bool,
        rules: Option<wit::Rules>,
    ) -> Result<book::BulkAnswer, wit::SeriesError> {
        let bulk = run_bulk(BulkMode::Create { free }, &requests, &rules)?;
        Ok(book::BulkAnswer {
            outcomes: bulk.outcomes,
            created: bulk.created,
            stored: bulk.stored,
        })
    }

    fn remove(id: String) -> Result<bool, wit::SeriesError> {
        SeriesId::from_value(text(&id)).map_err(one)?;
        store::remove(&id).map_err(|_| one(crate::book::store_failed("remove", false)))
    }
}

// ----- profiles -----

fn shipsy_body(b: &profiles::ShipsyBody) -> shipsy::Body<'_> {
    shipsy::Body {
        client_code: opt(&b.client_code),
        kind: opt(&b.kind),
        start: opt(&b.start),
        end: opt(&b.end),
        item_code: opt(&b.item_code),
        hub_code: opt(&b.hub_code),
        creator_hub: opt(&b.creator_hub),
    }
}

impl profiles::Guest for Component {
    fn shipsy_validate(
        body: profiles::ShipsyBody,
        service_types: Option<Vec<String>>,
        rules: Option<wit::Rules>,
    ) -> (wit::Validation, Option<String>) {
        let (rules, mut issues) = read_rules(&rules);
        let b = shipsy_body(&body);
        let v = shipsy::form_issues(&b, service_types.as_ref().map(|t| Ok(t.len())), &rules);
        issues.extend(v.issues);
        let validation = validation(v.range.as_ref(), &issues);
        let customer = shipsy::customer(&b).ok().flatten();
        (validation, customer)
    }

    fn shipsy_create(
        authorization: Option<String>,
        body: profiles::ShipsyBody,
        rules: Option<wit::Rules>,
    ) -> wit::Reply {
        let (rules, _) = read_rules(&rules);
        let (mut flow, mut step) =
            shipsy::CreateFlow::start(opt(&authorization), &shipsy_body(&body), &rules);
        loop {
            step = match step {
                PStep::Reply(r) => return reply(r, None),
                PStep::Need(shipsy::Need::KeyValid(key)) => {
                    flow.resume(yes_no(&host::api_key_valid(&key)))
                }
                PStep::Need(shipsy::Need::Create(s)) => {
                    let request = s.request();
                    match flow::run(Mode::Create, &request, &rules, &mut HostStore) {
                        Ok(_) => flow.resume(Answer::Done),
                        Err(issues) => {
                            let e = refusal(&issues);
                            flow.resume(Answer::Refused {
                                code: &e.code,
                                message: &e.message,
                            })
                        }
                    }
                }
            };
        }
    }

    fn mor_cards_create(
        params: Vec<(String, String)>,
        secret: String,
        user: profiles::MorUser,
        group: Option<profiles::MorGroup>,
    ) -> Result<profiles::MorCards, wit::SeriesError> {
        let params = mor::Params::read(|name| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map_or(Value::Absent, |(_, v)| Value::Text(v))
        });
        let group = group.as_ref().and_then(|g| {
            let length = Value::BigInt(Some(u128::from(g.number_length)));
            let pin = g
                .pin_length
                .map_or(Value::Absent, |p| Value::BigInt(Some(u128::from(p))));
            mor::group(&g.id, length, pin)
        });
        let facts = mor::Facts {
            secret: &secret,
            user_allowed: mor::user_allowed(
                opt(&user.role),
                user.user_allowed.map_or(Value::Absent, Value::Bool),
            ),
            can_manage_cards: user.can_manage_cards,
            group,
        };
        let (mut flow, mut step) = mor::CardsFlow::start(&params, &facts);
        loop {
            step = match step {
                PStep::Reply(page) => {
                    let page = page.map_err(|issues| refusal(&issues))?;
                    let (plan, from, till, scope, options) = match page.create {
                        Some(c) => (
                            Some(plan_of(&c.plan)),
                            Some(c.from),
                            Some(c.till),
                            Some(c.scope),
                            Some(profiles::MorOptions {
                                batch_number: c.options.batch_number,
                                min_balance: c.options.min_balance,
                                distributor_id: c.options.distributor_id,
                                language: c.options.language,
                            }),
                        ),
                        None => (None, None, None, None, None),
                    };
                    return Ok(profiles::MorCards {
                        ok: page.error.is_none(),
                        xml: page.xml,
                        error: page.error.map(str::to_owned),
                        plan,
                        cards_from: from,
                        cards_till: till,
                        scope,
                        options,
                    });
                }
                PStep::Need(mor::Need::Existing { from, till, scope }) => {
                    let group_id = facts.group.map_or("", |g| g.id);
                    match host::card_group_cards(group_id, &from, &till, &scope) {
                        Ok(cards) => {
                            let held: Vec<mor::Held<'_>> = cards
                                .iter()
                                .map(|(start, end)| mor::Held::Cards(text(start), text(end)))
                                .collect();
                            flow.resume(Answer::Cards(&held))
                        }
                        Err(_) => flow.resume(Answer::Failed),
                    }
                }
            };
        }
    }

    fn mor_scope(group_id: String) -> String {
        mor::scope(&group_id)
    }

    fn abillity_stock_number(
        service_id: String,
        body: profiles::AbillityBody,
        areas: Vec<profiles::AbillityArea>,
        max_quantity: Option<u32>,
    ) -> wit::Reply {
        use abillity::Need;
        let quantity = body
            .quantity
            .map_or(Value::Absent, |q| Value::BigInt(u128::try_from(q).ok()));
        let areas: Vec<abillity::Area<'_>> = areas
            .iter()
            .map(|a| abillity::Area {
                area_code: text(&a.area_code),
                first: text(&a.first),
                last: text(&a.last),
            })
            .collect();
        let max = max_quantity.map_or(Value::Absent, |m| Value::BigInt(Some(u128::from(m))));
        let (mut flow, mut step) =
            abillity::StockFlow::start(&service_id, opt(&body.area_code), quantity, &areas, max);
        loop {
            step = match step {
                PStep::Reply((r, xml)) => return reply(r, Some(xml)),
                PStep::Need(Need::ServiceFound) => {
                    flow.resume(yes_no(&host::service_found(&service_id)))
                }
                PStep::Need(Need::IsQuote) => flow.resume(yes_no(&host::is_quote(&service_id))),
                PStep::Need(Need::StockNumberId) => flow.resume(match host::stock_number_id() {
                    Ok(id) => Answer::Value(Value::BigInt(Some(u128::from(id)))),
                    Err(_) => Answer::Failed,
                }),
                PStep::Need(Need::Reserved { area_code, attempt }) => {
                    match host::reserved(&area_code, attempt).ok().and_then(|blocks| {
                        let pairs = blocks.iter().map(|(a, b)| (a.as_str(), b.as_str()));
                        abillity::reservations(&area_code, pairs)
                    }) {
                        Some(index) => flow.resume(Answer::Held(&index)),
                        None => flow.resume(Answer::Failed),
                    }
                }
                PStep::Need(Need::Save(r)) => {
                    let view = host::StockNumberView {
                        stock_number_id: r.id,
                        area_code: r.area_code,
                        quantity: u32::try_from(r.quantity).unwrap_or(u32::MAX),
                        first: r.block.as_ref().map(|b| b.start.clone()),
                        last: r.block.map(|b| b.end),
                    };
                    flow.resume(match host::save_stock_number(&view) {
                        Ok(()) => Answer::Done,
                        Err(store::StoreError::Overlap) => Answer::Refused {
                            code: "OVERLAP",
                            message: "",
                        },
                        Err(_) => Answer::Failed,
                    })
                }
            };
        }
    }

    fn abillity_requests(
        area_code: String,
        quantity: String,
        max: Option<u32>,
    ) -> Result<Vec<(String, u32)>, wit::SeriesError> {
        let max = max.map_or(Value::Absent, |m| Value::BigInt(Some(u128::from(m))));
        let (size, full, rest) = abillity::requests(text(&quantity), max).map_err(one)?;
        // At most 1000 a request: every size fits u32.
        let body = |q: u64| (area_code.clone(), u32::try_from(q).unwrap_or(u32::MAX));
        let mut list: Vec<_> = (0..full).map(|_| body(size)).collect();
        if rest > 0 {
            list.push(body(rest));
        }
        Ok(list)
    }

    fn crm_traceable_item(
        catalog: Vec<profiles::CrmGood>,
        item_code: Option<String>,
    ) -> wit::Validation {
        let goods: Vec<crate::profiles::crm::Good<'_>> = catalog
            .iter()
            .map(|g| crate::profiles::crm::Good {
                code: &g.code,
                alternative_code: &g.alternative_code,
                classification: &g.classification,
                physical_good_type: &g.physical_good_type,
            })
            .collect();
        let issues: Vec<SeriesError> = crate::profiles::crm::traceable(&goods, opt(&item_code))
            .err()
            .into_iter()
            .collect();
        validation(None, &issues)
    }
}

/// A host's yes-or-no answer as the core reads it; its error is the host failing.
fn yes_no(answer: &Result<host::Fact, String>) -> Answer<'_> {
    match answer {
        Ok(host::Fact::Yes) => Answer::Yes,
        Ok(host::Fact::No) => Answer::No,
        Ok(host::Fact::Other(given)) => Answer::Value(Value::Text(given)),
        Err(_) => Answer::Failed,
    }
}

// The export glue is generated here and is unsafe too.
#[allow(unsafe_code)]
mod export {
    use super::{bindings, Component};
    bindings::export!(Component with_types_in bindings);
}
