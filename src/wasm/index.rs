//! The `SeriesIndex` binding: one [`Inventory`] behind a `RefCell`, every
//! method taking `&self`. JS values are read before the inventory is
//! borrowed and no JS runs while it is, so a re-entrant call from a getter
//! cannot find it borrowed. Answers go through [`super::wire`].
//!
//! Bulk calls take one packed string (records split by RS, fields by US; a
//! field's first character gives its JS type, see `pkg/api.js` `pack`), so a
//! million series cross the boundary once.

use std::cell::RefCell;
use std::fmt::Write as _;

use wasm_bindgen::prelude::*;

use super::value::{self, records, reserve_heap, unpack, Held};
use super::{read_rules, wire};
use crate::error::{Field, Invalid};
use crate::input::Value;
use crate::inventory::{self, Head, Inventory, Item, KeyRef, Loading, Segment, Segments, SeriesId};
#[cfg(feature = "lifecycle")]
use crate::lifecycle::Pools;
use crate::packed::fields;
use crate::range::SeriesRules;
use crate::SeriesError;

/// The largest integer a JS number holds exactly.
const MAX_SAFE: u128 = crate::input::MAX_SAFE_INTEGER as u128;

/// The packed text's record and field separators, as bytes.
const RS: u8 = crate::packed::RS as u8;
const US: u8 = crate::packed::US as u8;

thread_local! {
    /// Where the wrapper packs a bulk load's records itself, a part at a
    /// time, straight into wasm memory: no copy of them crosses, and
    /// neither the JS heap nor wasm memory holds all of them at once
    /// (measured: a million series packed whole were 32 MB of JS buffer
    /// and as much wasm memory; growing memory by more than about 50 MB
    /// starts V8's marking of the host's whole heap, a 55 ms pause in the
    /// middle of a first load). Emptied when the load ends.
    static BULK: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Makes the bulk buffer at least `length` bytes long, keeping what it
/// holds; returns where it starts (it moves when it grows).
#[wasm_bindgen(js_name = bulk)]
pub fn bulk(length: u32) -> u32 {
    BULK.with(|b| super::at_least(b, length))
}

/// A series' segments as read, or its issues.
type Read<'a> = Result<Segments<'a>, Vec<SeriesError>>;

/// Writes one query's answer of many: its text, its numbers.
type Answer<'f> = &'f dyn Fn(&mut String, &mut Vec<f64>, &Inventory, [Value<'_>; 3]);

/// The inventory behind the JS `SeriesIndex`.
#[wasm_bindgen(js_name = IndexRaw)]
pub struct IndexRaw {
    inventory: RefCell<Inventory>,
    #[cfg(feature = "lifecycle")]
    pools: RefCell<Pools>,
    rules: SeriesRules,
    rule_issues: Vec<SeriesError>,
    /// A bulk load whose parts are being read ([`IndexRaw::add_many`]).
    loading: RefCell<Option<Loading>>,
}

/// The record at the start of `text` when the wrapper packed it as the
/// common series (`n` id, `s` start, `s` end, then `u` or `s` scope): its
/// id, its one segment and the length read (through the RS after it, if
/// any), exactly where the general reading ([`unpack`],
/// [`inventory::series_item`]) answers that id and segment; else `None`
/// (then the record takes the general reading). Read in one pass: cutting
/// the record, then its fields, read each byte twice (measured: a tenth of
/// a million-range load). Tested from JS: loads of plain and other records
/// against single adds.
fn plain_record<'a>(text: &'a str, rules: &SeriesRules) -> Option<(SeriesId, Segment<'a>, usize)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    // The id, start and end, each after its tag and before a US.
    let mut values = [""; 3];
    for (value, tag) in values.iter_mut().zip([b'n', b's', b's']) {
        let to = tagged(bytes, at, tag)?;
        *value = text.get(at + 1..to)?;
        if bytes.get(to) != Some(&US) {
            return None;
        }
        at = to + 1;
    }
    let scope = match bytes.get(at) {
        Some(b'u') => {
            at += 1;
            Value::Absent
        }
        _ => {
            let to = tagged(bytes, at, b's')?;
            let scope = text.get(at + 1..to)?;
            at = to;
            Value::Text(scope)
        }
    };
    // The record ends here: at its RS, or at the end.
    match bytes.get(at) {
        None => {}
        Some(&RS) => at += 1,
        Some(_) => return None,
    }
    let [digits, start, end] = values;
    let id = SeriesId::number(crate::serial::parse_digits(digits.as_bytes())?)?;
    let scope = inventory::scope_of(scope).ok()?;
    let span = crate::range::simple_span(start, end, rules)?;
    Some((id, span.segment(rules.scheme, scope), at))
}

/// Where the field at `at` of packed bytes ends when it has `tag`: at the
/// next control byte (every separator is one), or the end.
#[inline(never)]
fn tagged(bytes: &[u8], at: usize, tag: u8) -> Option<usize> {
    let rest = bytes.get(at..).filter(|rest| rest.first() == Some(&tag))?;
    Some(at + rest.iter().position(|&b| b < 0x20).unwrap_or(rest.len()))
}

impl IndexRaw {
    /// Reads packed series (`id US start US end US scope` per record,
    /// UTF-8) into a bulk load: a plain record ([`plain_record`]) straight
    /// into it, any other through the general reading.
    fn feed_packed(&self, inventory: &mut Inventory, loading: &mut Loading, packed: &[u8]) {
        let mut part = inventory.part(loading);
        let Ok(packed) = std::str::from_utf8(packed) else {
            // Not reached: the wrapper writes UTF-8.
            let unreadable = SeriesError::Invalid {
                field: Field::Series,
                reason: Invalid::Rule("could not be read"),
            };
            return part.item(Err(vec![unreadable]));
        };
        let mut rest = packed;
        while !rest.is_empty() && part.wants() {
            if let Some((id, segment, read)) = plain_record(rest, &self.rules) {
                part.segment(&id, &segment);
                rest = rest.get(read..).unwrap_or_default();
                continue;
            }
            let (record, next) = crate::packed::cut(rest, RS);
            rest = next.unwrap_or_default();
            if !record.is_empty() {
                let mut next = value::fields(record);
                let (id, start, end, scope) = (next(), next(), next(), next());
                part.item(inventory::series_item(id, start, end, scope, &self.rules));
            }
        }
    }

    /// Answers packed `start US end US scope` queries in one call: `1`,
    /// then per query FS and `answer` of its segments (or its issues), which
    /// may also write numbers ([`wire::emit_numbers`]), each query's after
    /// the last one's. `is_list`: the JS argument was an array.
    fn each_query(&self, packed: &[u8], is_list: bool, answer: Answer<'_>) -> u32 {
        if !is_list {
            let issue = SeriesError::Invalid {
                field: Field::Input,
                reason: Invalid::Rule("must be an array of series"),
            };
            return wire::emit(wire::failure(&[issue]));
        }
        let text = std::str::from_utf8(packed).unwrap_or_default();
        let inventory = self.inventory.borrow();
        wire::emit_numbers(&mut |out, numbers| {
            out.push('1');
            for mut next in records(text) {
                let query = [next(), next(), next()];
                out.push(crate::packed::FS);
                answer(out, numbers, &inventory, query);
            }
        })
    }

    /// Whether `start..end` in `scope` collides with anything stored;
    /// `None` when the query is not valid (the general path reports it).
    fn any_overlap(&self, start: &str, end: &str, scope: Value<'_>) -> Option<bool> {
        self.inventory
            .borrow()
            .any_overlap_text(start, end, scope, &self.rules)
    }

    /// Emits the conflicts of `start..end` in `scope`, those that are only
    /// numbers as numbers ([`push_overlaps`]), or the issues.
    fn emit_overlaps(&self, start: &str, end: &str, scope: &str) -> u32 {
        let read = inventory::segments_as_given(
            Value::Text(start),
            Value::Text(end),
            Value::Text(scope),
            &self.rules,
        );
        wire::emit_numbers(&mut |out, numbers| {
            push_overlaps(out, numbers, &self.inventory.borrow(), &read);
        })
    }

    /// Runs `f` over the inventory (no JS runs while it is borrowed).
    #[cfg(feature = "server")]
    pub(crate) fn with_inventory<T>(&self, f: impl FnOnce(&Inventory) -> T) -> T {
        f(&self.inventory.borrow())
    }
}

#[wasm_bindgen(js_class = IndexRaw)]
impl IndexRaw {
    /// An empty index validating series under `rules`.
    #[wasm_bindgen(constructor)]
    pub fn new(rules: &JsValue, merge_adjacent: bool) -> IndexRaw {
        let (rules, rule_issues) = read_rules(rules);
        IndexRaw {
            inventory: RefCell::new(Inventory::new(merge_adjacent).with_format(rules.format)),
            #[cfg(feature = "lifecycle")]
            pools: RefCell::default(),
            rules,
            rule_issues,
            loading: RefCell::default(),
        }
    }

    /// `1`, or the issues of the rules given to the constructor.
    #[wasm_bindgen(js_name = rulesIssues)]
    pub fn rules_issues(&self) -> u32 {
        wire::emit(wire::issues_or_ok(&self.rule_issues))
    }

    fn segments<'a>(
        &self,
        start: Value<'a>,
        end: Value<'a>,
        scope: Value<'a>,
    ) -> Result<Segments<'a>, Vec<SeriesError>> {
        inventory::series_segments(start, end, scope, &self.rules)
    }

    /// Reads `{ start, end, scope? }` from JS, then hands its segments (or
    /// its issues) to `f` while the copied strings are alive.
    /// One body for every caller, behind `dyn`: each generic copy held
    /// the whole reading (measured: 0.2 KB of wasm each).
    fn with_series(&self, series: &JsValue, f: &mut dyn FnMut(Read<'_>) -> String) -> u32 {
        if let Some(issue) = Held::kind_of(series).view().expect_object(Field::Series) {
            return wire::emit(f(Err(vec![issue])));
        }
        let [start, end, scope] = ["start", "end", "scope"].map(|k| Held::field(series, k));
        wire::emit(f(self.segments(start.view(), end.view(), scope.view())))
    }

    /// Stores `{ id, start, end, scope? }`, or answers why not (`OVERLAP` with the conflicts).
    pub fn add(&self, series: &JsValue) -> u32 {
        if let Some(issue) = Held::kind_of(series).view().expect_object(Field::Series) {
            return wire::emit(wire::failure(&[issue]));
        }
        let [id, start, end, scope] =
            ["id", "start", "end", "scope"].map(|k| Held::field(series, k));
        let answer = inventory::series_item(
            id.view(),
            start.view(),
            end.view(),
            scope.view(),
            &self.rules,
        )
        .and_then(|(id, segments)| {
            let result = self.inventory.borrow_mut().insert(&id, &segments);
            result.map_err(|e| vec![e])
        });
        wire::emit(wire::done(answer))
    }

    /// Stores packed series (`id US start US end US scope` per record,
    /// UTF-8), all or none, read in parts: `packed`, or the first
    /// `bulk_length` bytes of the bulk buffer ([`bulk`]) when given, which
    /// the wrapper fills a part at a time (freed after the last). `first`
    /// begins a load of `count` series and `last` ends it; a load in one
    /// part keeps no state, so one a host getter starts while another is
    /// read stays apart. The last part answers, the others 0. `given` is
    /// the JS argument, refused unless it is an array.
    #[wasm_bindgen(js_name = addMany)]
    pub fn add_many(
        &self,
        packed: &[u8],
        bulk_length: Option<u32>,
        first: bool,
        last: bool,
        count: u32,
        given: &JsValue,
    ) -> u32 {
        if !js_sys::Array::is_array(given) {
            let kind = Held::kind_of(given);
            let issue = SeriesError::Invalid {
                field: Field::Series,
                reason: Invalid::Rule(match kind.view() {
                    Value::Absent => "must be an array of series, not undefined",
                    _ => "must be an array of series",
                }),
            };
            return wire::emit(wire::failure(&[issue]));
        }
        let mut inventory = self.inventory.borrow_mut();
        let mut held = self.loading.borrow_mut();
        let stored = if first { None } else { held.take() };
        let mut loading = stored.unwrap_or_else(|| inventory.begin_load(count as usize));
        BULK.with(|b| {
            let b = b.borrow();
            let part = match bulk_length {
                Some(length) => b.get(..length as usize).unwrap_or_default(),
                None => packed,
            };
            self.feed_packed(&mut inventory, &mut loading, part);
        });
        if !last {
            *held = Some(loading);
            return 0;
        }
        if bulk_length.is_some() {
            BULK.with(|b| b.take());
        }
        wire::emit(wire::done(inventory.finish_load(loading)))
    }

    /// `1` when `start..end` in `scope` collides with a stored series, `0`
    /// when not, `-1` when the series is invalid: the allocation-free query.
    #[wasm_bindgen(js_name = hasOverlap)]
    pub fn has_overlap(&self, start: &str, end: &str, scope: Option<String>) -> i32 {
        let scope = scope.as_deref().map_or(Value::Absent, Value::Text);
        self.any_overlap(start, end, scope).map_or(-1, i32::from)
    }

    /// [`IndexRaw::has_overlap`] of the start, end and scope the wrapper
    /// wrote into the scratch buffer (`scoped`: a scope was given).
    #[wasm_bindgen(js_name = hasOverlapScratch)]
    pub fn has_overlap_scratch(
        &self,
        start_len: u32,
        end_len: u32,
        scope_len: u32,
        scoped: bool,
    ) -> i32 {
        let lengths = [start_len, end_len, scope_len];
        let answer = super::with_scratch(&lengths, &mut |[start, end, scope]| {
            let scope = if scoped {
                Value::Text(scope)
            } else {
                Value::Absent
            };
            self.any_overlap(start, end, scope).map_or(2, u32::from)
        });
        // 2 (or an unreadable scratch's answer length): the general path reports.
        if answer < 2 {
            answer as i32
        } else {
            -1
        }
    }

    /// The conflicts of `start..end` in `scope`, given as strings.
    #[wasm_bindgen(js_name = overlapsStrings)]
    pub fn overlaps_strings(&self, start: &str, end: &str, scope: &str) -> u32 {
        self.emit_overlaps(start, end, scope)
    }

    /// [`IndexRaw::overlaps_strings`] of the start, end and scope the
    /// wrapper wrote into the scratch buffer.
    #[wasm_bindgen(js_name = overlapsScratch)]
    pub fn overlaps_scratch(&self, start_len: u32, end_len: u32, scope_len: u32) -> u32 {
        super::with_scratch(
            &[start_len, end_len, scope_len],
            &mut |[start, end, scope]| self.emit_overlaps(start, end, scope),
        )
    }

    /// The conflicts of many queries in one call (packed `start US end US
    /// scope` records): `1`, then per query FS and its answer as
    /// [`push_overlaps`] writes it (those of its conflicts that are only
    /// numbers among the numbers). `is_list`: the JS argument was an array.
    #[wasm_bindgen(js_name = overlapsMany)]
    pub fn overlaps_many(&self, packed: &[u8], is_list: bool) -> u32 {
        self.each_query(
            packed,
            is_list,
            &|out, numbers, inventory, [start, end, scope]| {
                let read = inventory::segments_as_given(start, end, scope, &self.rules);
                push_overlaps(out, numbers, inventory, &read);
            },
        )
    }

    /// The plans of many queries in one call, as [`IndexRaw::overlaps_many`]
    /// takes and answers them, each answer as [`IndexRaw::plan`] gives it.
    #[wasm_bindgen(js_name = planMany)]
    pub fn plan_many(&self, packed: &[u8], is_list: bool) -> u32 {
        self.each_query(
            packed,
            is_list,
            &|out, _, inventory, [start, end, scope]| {
                let segments = self.segments(start, end, scope);
                out.push_str(&wire::plan(segments.map(|s| inventory.plan(&s))));
            },
        )
    }

    /// The conflicts of a series object.
    pub fn overlaps(&self, series: &JsValue) -> u32 {
        self.with_series(series, &mut |segments| {
            wire::conflicts(segments.map(|s| self.inventory.borrow().overlaps(&s)))
        })
    }

    /// The free sub-ranges of a series object.
    pub fn gaps(&self, series: &JsValue) -> u32 {
        self.with_series(series, &mut |segments| {
            wire::pieces(segments.map(|s| self.inventory.borrow().gaps(&s)))
        })
    }

    /// The partial-creation plan of a series object.
    pub fn plan(&self, series: &JsValue) -> u32 {
        self.with_series(series, &mut |segments| {
            wire::plan(segments.map(|s| self.inventory.borrow().plan(&s)))
        })
    }

    /// The first free block of `quantity` in the pool
    /// `{ prefix?, suffix?, width, scheme?, scope?, first, last }` (serials
    /// as digit strings), stored under `id` unless `id` is undefined.
    pub fn allocate(&self, pool: &JsValue, quantity: &JsValue, id: &JsValue) -> u32 {
        let parts = [
            "prefix", "suffix", "width", "scheme", "scope", "first", "last",
        ]
        .map(|k| Held::field(pool, k));
        let quantity = Held::from_js(quantity);
        let id = Held::from_js(id);
        let answer = match Held::kind_of(pool).view().expect_object(Field::Pool) {
            Some(issue) => Err(vec![issue]),
            None => {
                let [prefix, suffix, width, scheme, scope, first, last] = &parts;
                let values = inventory::PoolValues {
                    prefix: prefix.view(),
                    suffix: suffix.view(),
                    width: width.view(),
                    scheme: scheme.view(),
                    scope: scope.view(),
                    first: first.view(),
                    last: last.view(),
                };
                self.inventory
                    .borrow_mut()
                    .allocate(&values, quantity.view(), id.view())
            }
        };
        wire::emit(wire::block(answer))
    }

    /// The stored ranges touching packed segments (`prefix US suffix US
    /// width US scheme US scope US first US last` records), whole:
    /// `1` then `RS id US first US last` rows. For the in-memory store.
    #[wasm_bindgen(js_name = storedIn)]
    pub fn stored_in(&self, packed: &[u8]) -> u32 {
        let answer = parse_segments(packed).map(|segments| {
            let inventory = self.inventory.borrow();
            let mut out = String::from("1");
            for s in &segments {
                for (a, b, id) in inventory.stored(s) {
                    out.push('\u{1e}');
                    wire::push_id(&mut out, &id);
                    let _ = write!(out, "\u{1f}{a}\u{1f}{b}");
                }
            }
            out
        });
        wire::emit(answer.unwrap_or_else(|issues| wire::failure(&issues)))
    }

    /// Stores packed segments under `id`, all or none. For the in-memory store.
    #[wasm_bindgen(js_name = insertSegments)]
    pub fn insert_segments(&self, id: &JsValue, packed: &[u8]) -> u32 {
        let id = Held::from_js(id);
        let answer = parse_segments(packed).and_then(|segments| {
            let id = SeriesId::from_value(id.view()).map_err(|e| vec![e])?;
            self.inventory
                .borrow_mut()
                .insert_all([Ok((id, segments.into()))], 1)
        });
        wire::emit(wire::done(answer))
    }

    /// Removes every range held by `id`; false when none (or `id` is invalid).
    pub fn remove(&self, id: &JsValue) -> bool {
        let id = Held::from_js(id);
        match SeriesId::from_value(id.view()) {
            Ok(id) => self.inventory.borrow_mut().remove(&id),
            Err(_) => false,
        }
    }

    /// How many ranges are stored.
    pub fn size(&self) -> u32 {
        u32::try_from(self.inventory.borrow().ranges()).unwrap_or(u32::MAX)
    }

    /// Heap bytes the stored ranges and ids occupy.
    #[wasm_bindgen(js_name = heldBytes)]
    pub fn held_bytes(&self) -> f64 {
        self.inventory.borrow().held_bytes() as f64
    }

    /// Counts in total and per pool.
    pub fn stats(&self) -> u32 {
        wire::emit(wire::stats(&self.inventory.borrow().stats()))
    }

    /// Every stored range in order, as identifiers.
    pub fn entries(&self) -> u32 {
        wire::emit(wire::entries(&self.inventory.borrow()))
    }

    /// The binary snapshot ([`Inventory::to_bytes`]), copied out as a `Uint8Array`.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inventory.borrow().to_bytes()
    }

    /// A new index holding a binary snapshot, under `rules`, or without
    /// them the format it was written under; with its `mergeAdjacent`.
    /// Why it cannot be made is in its `rulesIssues()`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8], rules: &JsValue) -> IndexRaw {
        let given = !(rules.is_undefined() || rules.is_null());
        let (rules, mut issues) = match given {
            true => read_rules(rules),
            false => (SeriesRules::default(), Vec::new()),
        };
        let mut inventory = Inventory::new(false);
        let mut held = rules.clone();
        if issues.is_empty() {
            match Inventory::from_bytes(bytes, given.then_some(rules)) {
                Ok((read, rules)) => (inventory, held) = (read, rules),
                Err(refused) => issues = refused,
            }
        }
        IndexRaw {
            inventory: RefCell::new(inventory),
            #[cfg(feature = "lifecycle")]
            pools: RefCell::default(),
            rules: held,
            rule_issues: issues,
            loading: RefCell::default(),
        }
    }

    #[cfg(feature = "lifecycle")]
    /// Runs one lifecycle request (JSON text) on the index's pools:
    /// `1 US answer` (JSON text), or the refusal.
    pub fn lifecycle(&self, request: &str) -> u32 {
        let answer = self.pools.borrow_mut().run(request, &self.rules);
        wire::emit_answer(answer)
    }

    /// The snapshot as JSON text.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> u32 {
        wire::emit(self.inventory.borrow().to_json())
    }

    /// Loads a packed snapshot (`H US format US version US rules.format`
    /// heads it, `P US prefix US suffix US width US scheme US
    /// scope` starts a pool, `R US first US last US id` adds a range), all or none.
    #[wasm_bindgen(js_name = loadPacked)]
    pub fn load_packed(&self, packed: &[u8]) -> u32 {
        // The packer writes UTF-8; anything else cannot be a snapshot.
        let packed = std::str::from_utf8(packed).unwrap_or_default();
        // Room for the columns and a record's transient fields: a range is
        // gathered into its pool's columns (20 bytes), not held as a 48-byte
        // triple with a vector of its own, so twice the text is enough
        // (measured, a million ranges: wasm memory grew 93 MB, 247 with
        // seven times the text, in the same time).
        reserve_heap(packed.len().saturating_mul(2));
        let mut records = packed
            .split('\u{1e}')
            .filter(|r| !r.is_empty())
            .map(|r| fields(r).map(unpack).collect::<Vec<_>>());
        let head = match records.next().as_deref() {
            Some(&[Value::Text("H"), format, version, rules_format]) => Head {
                format,
                version,
                rules_format,
            },
            _ => Head {
                format: Value::Absent,
                version: Value::Absent,
                rules_format: Value::Absent,
            },
        };
        let items = records.map(|f| match *f.as_slice() {
            [Value::Text("P"), prefix, suffix, width, scheme, scope] => Item::Pool {
                prefix,
                suffix,
                width,
                scheme,
                scope,
            },
            [Value::Text("R"), first, last, id] => Item::Range { first, last, id },
            _ => Item::Malformed,
        });
        let answer = self.inventory.borrow_mut().load_snapshot(head, items);
        wire::emit(wire::done(answer))
    }
}

/// Packed segment records: `prefix US suffix US width US scheme US scope US
/// first US last`, each field tagged with its JS type.
fn parse_segments(packed: &[u8]) -> Result<Vec<Segment<'_>>, Vec<SeriesError>> {
    let text = std::str::from_utf8(packed).unwrap_or_default();
    let bad = || {
        vec![SeriesError::Invalid {
            field: Field::Pool,
            reason: Invalid::Rule(
                "must be { prefix, suffix, width, scheme, scope } with first and last serials",
            ),
        }]
    };
    text.split('\u{1e}')
        .filter(|r| !r.is_empty())
        .map(|record| {
            let f: Vec<Value<'_>> = fields(record).map(unpack).collect();
            match f.as_slice() {
                [Value::Text(prefix), Value::Text(suffix), width, Value::Text(scheme), scope, first, last] => {
                    let key = KeyRef::from_parts(prefix, suffix, *width, scheme, *scope, Field::Pool)
                        .map_err(|e| vec![e])?;
                    let (Some(a), Some(b)) = (first.as_exact_u128(), last.as_exact_u128()) else {
                        return Err(bad());
                    };
                    key.segment(a, b).map_err(|e| vec![e])
                }
                _ => Err(bad()),
            }
        })
        .collect()
}

/// Writes the conflicts of segments read by [`inventory::segments_as_given`]
/// (a conflict's start or end is left empty where it is the query's own, as
/// given), or the issues. Those that are only numbers cross as `numbers`
/// ([`wire::emit_numbers`]): first how many conflicts, then per conflict
/// its id and count when its id is a number, its count is below 2^53 and
/// both its ends are the query's own (the query lies inside the stored
/// range); any other conflict is -1 and 0 there and written here, in
/// order. Measured: decoding one conflict from text was about 500 of a
/// 750 ns query at 100,000 ranges.
fn push_overlaps(
    out: &mut String,
    numbers: &mut Vec<f64>,
    inventory: &Inventory,
    read: &Result<(Segments<'_>, bool), Vec<SeriesError>>,
) {
    let (segments, as_given) = match read {
        Ok((segments, as_given)) => (segments, *as_given),
        Err(issues) => return crate::packed::push_failure(out, issues),
    };
    out.push('1');
    let slot = numbers.len();
    numbers.push(0.0);
    // The series' first and last serial: its segments' serials are
    // disjoint, so only a conflict in its first (last) segment can start
    // (end) there.
    let first = segments.first().map(|s| s.first);
    let last = segments.last().map(|s| s.last);
    inventory.each_overlap(segments, &mut |s, a, b, id| {
        let given = (as_given && first == Some(a), as_given && last == Some(b));
        let count = b - a + 1;
        let number = match id {
            SeriesId::Number(n) if given == (true, true) && count <= MAX_SAFE => Some(n),
            _ => None,
        };
        let (id_number, count_number) =
            number.map_or((-1.0, 0.0), |n| (f64::from(n), count as u64 as f64));
        numbers.push(id_number);
        numbers.push(count_number);
        if let Some(k) = numbers.get_mut(slot) {
            *k += 1.0;
        }
        if number.is_none() {
            crate::packed::push_hit(out, &s.key, (a, b), &id, given);
        }
    });
}
