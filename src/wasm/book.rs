//! The `SeriesBook` binding: the Rust half of `book.create` in
//! `pkg/api.js`. The wrapper awaits the host's callbacks; between them it
//! calls these stateless methods, so no Rust borrow is ever held while a
//! callback runs (a callback may call the library again, even this book).

use wasm_bindgen::prelude::*;

use std::cell::RefCell;

#[cfg(feature = "bulk")]
use super::value::records;
use super::value::{unpack, Held};
use super::{read_rules, wire};
use crate::book::{self, Refusal, Request};
#[cfg(feature = "bulk")]
use crate::bulk::{BulkFlow, BulkMode, BulkStep};
use crate::error::Field;
use crate::flow::{Answer, BookFlow, Done, Mode, Need, Record, Step};
use crate::input::Value;
use crate::inventory::PoolKey;
use crate::packed::fields;
use crate::range::SeriesRules;
use crate::SeriesError;

/// Rules a book applies to every request, and its pools (the lifecycle
/// kept in the host's store).
#[wasm_bindgen(js_name = BookRaw)]
pub struct BookRaw {
    rules: SeriesRules,
    rule_issues: Vec<SeriesError>,
    #[cfg(feature = "lifecycle")]
    pools: RefCell<crate::lifecycle::book::PoolBook>,
}

/// A pool step as the wrapper reads it: `N US T US head` (the store's
/// poolTrail(after)), `N US A US change` (its appendPool(change)), `1 US
/// answer`, or the refusal.
#[cfg(feature = "lifecycle")]
fn pool_step_text(step: crate::lifecycle::book::PoolStep) -> u32 {
    use crate::lifecycle::book::{PoolNeed, PoolStep};
    match step {
        PoolStep::Need(PoolNeed::Trail(head)) => {
            wire::emit(format!("N\u{1f}T\u{1f}{}", head.json()))
        }
        PoolStep::Need(PoolNeed::Append(change)) => wire::emit(format!("N\u{1f}A\u{1f}{change}")),
        PoolStep::Done(result) => wire::emit_answer(result),
    }
}

#[cfg(feature = "lifecycle")]
#[wasm_bindgen(js_class = BookRaw)]
impl BookRaw {
    /// Starts a lifecycle request (JSON text) over the store.
    #[wasm_bindgen(js_name = poolsStart)]
    pub fn pools_start(&self, request: &str) -> u32 {
        let step = self.pools.borrow_mut().start(request);
        pool_step_text(step)
    }

    /// Feeds the store's answer: `kind` 0 a trail (`text`), 1 appended
    /// (`text`: the new head), 2 stale, 3 the callback failed, 4 it is missing.
    #[wasm_bindgen(js_name = poolsResume)]
    pub fn pools_resume(&self, kind: u8, text: &str) -> u32 {
        use crate::lifecycle::book::PoolAnswer;
        let answer = match kind {
            0 => PoolAnswer::Trail(text),
            1 => PoolAnswer::Appended(text),
            2 => PoolAnswer::Stale,
            4 => PoolAnswer::Failed { missing: true },
            _ => PoolAnswer::Failed { missing: false },
        };
        let step = self.pools.borrow_mut().resume(answer, &self.rules);
        pool_step_text(step)
    }
}

/// A record: `US id US start US end US count US fingerprint US scope US
/// item_code US type US format`, then per segment `RS poolKey US prefix US
/// suffix US width US scheme US scope US first US last`.
fn push_record(out: &mut String, r: &Record) {
    out.push('\u{1f}');
    wire::push_id(out, &r.id);
    let (kind, format) = (r.kind.name(), r.format_name());
    wire::push_fields(
        out,
        '\u{1f}',
        &[
            &r.start,
            &r.end,
            &r.count,
            &r.fingerprint,
            &r.scope,
            &r.item_code,
            &kind,
            &format,
        ],
    );
    for (pool, first, last) in &r.segments {
        push_pool(out, '\u{1e}', pool);
        wire::push_fields(out, '\u{1f}', &[first, last]);
    }
}

/// A pool as the wrapper reads it: `key US prefix US suffix US width US
/// scheme US scope`, after `lead`.
fn push_pool(out: &mut String, lead: char, pool: &PoolKey) {
    let k = pool.as_ref();
    out.push(lead);
    out.push_str(&k.key_text());
    let scheme = k.scheme.name();
    wire::push_fields(
        out,
        '\u{1f}',
        &[&k.prefix, &k.suffix, &k.width, &scheme, &k.scope],
    );
}

/// A step as the wrapper reads it: `N US R US poolKey US prefix US suffix
/// US width US scheme US scope US format US first US last` (ask the store's
/// overlapping()); `N US I` and a record (insert it); `1 US C` and a
/// record, `1 US K` and conflicts, `1 US P US created US requested` and a
/// plan (done); or the issues.
fn step_text(step: Step) -> String {
    match step {
        Step::Need(Need::Rows {
            pool,
            first,
            last,
            format,
        }) => {
            let mut out = String::from("N\u{1f}R");
            push_pool(&mut out, '\u{1f}', &pool);
            wire::push_fields(&mut out, '\u{1f}', &[&format, &first, &last]);
            out
        }
        Step::Need(Need::Insert(record)) => {
            let mut out = String::from("N\u{1f}I");
            push_record(&mut out, &record);
            out
        }
        Step::Done(Ok(Done::Created(record))) => {
            let mut out = String::from("1\u{1f}C");
            push_record(&mut out, &record);
            out
        }
        Step::Done(Ok(Done::Conflicts(list))) => {
            let mut out = String::from("1\u{1f}K");
            wire::push_conflicts(&mut out, &list);
            out
        }
        Step::Done(Ok(Done::Plan(plan))) => {
            let mut out = format!("1\u{1f}P\u{1f}{}\u{1f}{}", plan.created, plan.requested);
            wire::push_plan_parts(&mut out, &plan);
            out
        }
        Step::Done(Err(issues)) => wire::failure(&issues),
    }
}

/// One run of a book protocol (create, conflicts, plan, create the free
/// part), driven by `SeriesBook` in `pkg/api.js`: it carries each need to
/// the host's store and feeds the answer back. Each call borrows the flow
/// only for its step, so a store callback may use the library freely.
#[wasm_bindgen(js_name = FlowRaw)]
pub struct FlowRaw {
    flow: RefCell<BookFlow>,
    first: RefCell<Option<Step>>,
}

#[wasm_bindgen(js_class = FlowRaw)]
impl FlowRaw {
    /// A flow of `mode` (0 create, 1 conflicts, 2 plan, 3 create the free
    /// part) for a request, under the book's rules.
    #[wasm_bindgen(constructor)]
    pub fn new(book: &BookRaw, mode: u8, request: &JsValue) -> FlowRaw {
        let mode = match mode {
            1 => Mode::Conflicts,
            2 => Mode::Plan,
            3 => Mode::CreateFree,
            _ => Mode::Create,
        };
        let (flow, step) = book.start(mode, request);
        FlowRaw {
            flow: RefCell::new(flow),
            first: RefCell::new(Some(step)),
        }
    }

    /// The first step.
    pub fn start(&self) -> u32 {
        let step = self.first.borrow_mut().take();
        wire::emit(step.map_or_else(|| wire::failure(&[crate::flow::finished()]), step_text))
    }

    /// Feeds the store's answer (packed records: `R` then one `id US first
    /// US last US format` record per row; `X` not rows; `I` inserted; `O`
    /// refused by an overlap; `F` refused otherwise; `M` the callback is
    /// missing; `T` it threw) and answers the next step.
    pub fn resume(&self, packed: &[u8]) -> u32 {
        let text = std::str::from_utf8(packed).unwrap_or_default();
        let step = self.flow.borrow_mut().resume(answer_of(text));
        wire::emit(step_text(step))
    }
}

/// A store's answer as the wrapper packs it (see [`FlowRaw::resume`]).
fn answer_of(text: &str) -> Answer<'_> {
    let mut records = text.split('\u{1e}');
    match records.next().map(|r| fields(r).map(unpack).next()) {
        Some(Some(Value::Text("R"))) => Answer::Rows(
            records
                .filter(|r| !r.is_empty())
                .map(|r| {
                    let mut f = fields(r).map(unpack);
                    let mut next = || f.next().unwrap_or(Value::Absent);
                    (next(), next(), next(), next())
                })
                .collect(),
        ),
        Some(Some(Value::Text("I"))) => Answer::Inserted,
        Some(Some(Value::Text("O"))) => Answer::Refused(Refusal::Overlap),
        Some(Some(Value::Text("F"))) => Answer::Refused(Refusal::Failed),
        Some(Some(Value::Text("M"))) => Answer::Failed { missing: true },
        Some(Some(Value::Text("T"))) => Answer::Failed { missing: false },
        _ => Answer::NotRows,
    }
}

/// Many requests as one bulk flow ([`crate::bulk`]), in the server build
/// (feature `bulk`), driven by
/// `SeriesBook.planMany` / `createMany`: requests are added in chunks (the
/// wrapper reports progress between them), then each step is carried to
/// the store as [`FlowRaw`]'s are.
#[cfg(feature = "bulk")]
#[wasm_bindgen(js_name = BulkRaw)]
pub struct BulkRaw {
    flow: RefCell<BulkFlow>,
}

/// A bulk step as the wrapper reads it: a pool's rows as [`step_text`]
/// asks them; `N US M` then per record `FS index` and the record as
/// [`push_record`] writes it (insert them all); `1 US stored` (`1` or `0`)
/// then per request `FS` and its plan or issues as [`wire::plan`] writes
/// them; or the issues.
#[cfg(feature = "bulk")]
fn bulk_text(step: BulkStep, indexes: &[usize]) -> String {
    match step {
        BulkStep::Rows {
            pool,
            first,
            last,
            format,
        } => step_text(Step::Need(Need::Rows {
            pool,
            first,
            last,
            format,
        })),
        BulkStep::InsertMany(records) => {
            let mut out = String::from("N\u{1f}M");
            for (record, index) in records.iter().zip(indexes) {
                out.push(crate::packed::FS);
                out.push_str(&index.to_string());
                push_record(&mut out, record);
            }
            out
        }
        BulkStep::Done(Ok(bulk)) => {
            let mut out = String::from(if bulk.stored { "1\u{1f}1" } else { "1\u{1f}0" });
            for outcome in bulk.outcomes {
                out.push(crate::packed::FS);
                out.push_str(&wire::plan(outcome));
            }
            out
        }
        BulkStep::Done(Err(issues)) => wire::failure(&issues),
    }
}

#[cfg(feature = "bulk")]
#[wasm_bindgen(js_class = BookRaw)]
impl BookRaw {
    /// Checks a series as a store is handed it ([`crate::book::verify`]):
    /// its request fields, its segments packed (`key US first US last` per
    /// segment, as written by the wrapper) and its count. `1`, or why not.
    pub fn verify(&self, series: &JsValue, segments: &[u8], count: &JsValue) -> u32 {
        let fields = match request_fields(series) {
            Ok(fields) => fields,
            Err(issue) => return wire::emit(wire::failure(&[issue])),
        };
        let request = request_of(&fields);
        let text = std::str::from_utf8(segments).unwrap_or_default();
        let parts: Vec<(&str, Value<'_>, Value<'_>)> = records(text)
            .map(|mut next| {
                let key = match next() {
                    Value::Text(t) => t,
                    _ => "",
                };
                (key, next(), next())
            })
            .collect();
        let count = Held::from_js(count);
        wire::emit(wire::done(book::verify(
            &request,
            &parts,
            count.view(),
            &self.rules,
        )))
    }
}

#[cfg(feature = "bulk")]
#[wasm_bindgen(js_class = BulkRaw)]
impl BulkRaw {
    /// A bulk flow that plans (`create` false) or creates; `free`: with
    /// the free parts of partly taken requests.
    #[wasm_bindgen(constructor)]
    pub fn new(create: bool, free: bool) -> BulkRaw {
        let mode = match create {
            true => BulkMode::Create { free },
            false => BulkMode::Plan { free },
        };
        BulkRaw {
            flow: RefCell::new(BulkFlow::new(mode)),
        }
    }

    /// Adds packed requests under the book's rules: per request `kind US
    /// id US start US end US scope US item_code US type`, `kind` the text
    /// `object` for an object and the value itself otherwise.
    pub fn add(&self, book: &BookRaw, packed: &[u8]) {
        let text = std::str::from_utf8(packed).unwrap_or_default();
        let mut flow = self.flow.borrow_mut();
        for mut next in records(text) {
            let kind = next();
            if kind != Value::Text("object") {
                flow.add_refused(vec![SeriesError::Invalid {
                    field: Field::Input,
                    reason: crate::error::Invalid::NotObject(kind.kind()),
                }]);
                continue;
            }
            let request = Request {
                id: next(),
                start: next(),
                end: next(),
                scope: next(),
                item_code: next(),
                kind: next(),
            };
            flow.add(&request, &book.rules);
        }
    }

    /// The first step; `is_list`: the requests were an array (otherwise
    /// the answer is why not).
    pub fn start(&self, is_list: bool) -> u32 {
        if !is_list {
            let issue = SeriesError::Invalid {
                field: Field::Input,
                reason: crate::error::Invalid::Rule("must be an array of requests"),
            };
            return wire::emit(wire::failure(&[issue]));
        }
        let step = self.flow.borrow_mut().start();
        self.emit(step)
    }

    /// Feeds the store's answer, packed as for [`FlowRaw::resume`] (`I`
    /// for inserted, `O` refused by an overlap); answers the next step.
    pub fn resume(&self, packed: &[u8]) -> u32 {
        let text = std::str::from_utf8(packed).unwrap_or_default();
        let step = self.flow.borrow_mut().resume(answer_of(text));
        self.emit(step)
    }
}

#[cfg(feature = "bulk")]
impl BulkRaw {
    fn emit(&self, step: BulkStep) -> u32 {
        let indexes = match &step {
            BulkStep::InsertMany(_) => self.flow.borrow().accepted_indexes(),
            _ => Vec::new(),
        };
        wire::emit(bulk_text(step, &indexes))
    }
}

#[wasm_bindgen(js_class = BookRaw)]
impl BookRaw {
    /// A book validating under `rules`.
    #[wasm_bindgen(constructor)]
    pub fn new(rules: &JsValue) -> BookRaw {
        let (rules, rule_issues) = read_rules(rules);
        BookRaw {
            rules,
            rule_issues,
            #[cfg(feature = "lifecycle")]
            pools: RefCell::default(),
        }
    }

    /// `1`, or the issues of the rules, or `STORE_INVALID` when `store`
    /// lacks the callbacks (`has_callbacks` is the wrapper's typeof check).
    #[wasm_bindgen(js_name = setupIssues)]
    pub fn setup_issues(&self, has_callbacks: bool) -> u32 {
        let mut issues = self.rule_issues.clone();
        if !has_callbacks {
            issues.push(book::store_invalid());
        }
        wire::emit(wire::issues_or_ok(&issues))
    }

    /// Validates a request `{ id?, start, end, scope?, item_code?, type? }`.
    /// Answer: `1` then the record as [`push_record`] writes it; or the issues.
    pub fn prepare(&self, request: &JsValue) -> u32 {
        let (flow, step) = self.start(Mode::Create, request);
        wire::emit(match step {
            Step::Done(Err(issues)) => wire::failure(&issues),
            _ => {
                let mut out = String::from("1");
                push_record(&mut out, flow.record());
                out
            }
        })
    }

    /// Starts a flow of `mode` for a JS request object.
    fn start(&self, mode: Mode, request: &JsValue) -> (BookFlow, Step) {
        match request_fields(request) {
            Ok(fields) => BookFlow::start(mode, &request_of(&fields), &self.rules),
            Err(issue) => BookFlow::refused(mode, vec![issue]),
        }
    }
}

/// A request object's fields (`id`, `start`, `end`, `scope`, `item_code`,
/// `type`), copied; `INPUT_INVALID` when it is no object.
fn request_fields(value: &JsValue) -> Result<[Held; 6], SeriesError> {
    match Held::kind_of(value).view().expect_object(Field::Input) {
        Some(issue) => Err(issue),
        None => {
            Ok(["id", "start", "end", "scope", "item_code", "type"].map(|k| Held::field(value, k)))
        }
    }
}

/// The request those fields make.
fn request_of(f: &[Held; 6]) -> Request<'_> {
    let [id, start, end, scope, item_code, kind] = f;
    Request {
        id: id.view(),
        start: start.view(),
        end: end.view(),
        scope: scope.view(),
        item_code: item_code.view(),
        kind: kind.view(),
    }
}

/// `STORE_FAILED` for `operation` (a callback that threw, rejected, or is
/// `missing`), as an answer the wrapper throws with the cause attached.
#[wasm_bindgen(js_name = storeFailed)]
pub fn store_failed(operation: &str, missing: bool) -> u32 {
    wire::emit(wire::failure(&[book::store_failed(operation, missing)]))
}

/// `STORE_INVALID`: a store that lacks what it needs (or a browser store
/// made where its storage does not exist).
#[wasm_bindgen(js_name = storeInvalid)]
pub fn store_invalid() -> u32 {
    wire::emit(wire::failure(&[book::store_invalid()]))
}
