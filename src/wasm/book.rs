//! The `SeriesBook` binding: the Rust half of `book.create` in
//! `pkg/api.js`. The wrapper awaits the host's callbacks; between them it
//! calls these stateless methods, so no Rust borrow is ever held while a
//! callback runs (a callback may call the library again, even this book).

use wasm_bindgen::prelude::*;

use super::value::{fields, unpack, Held};
use super::{read_rules, wire};
use crate::book::{self, Request};
use crate::error::Field;
use crate::formats::Format;
use crate::input::Value;
use crate::inventory::{KeyRef, SeriesId};
use crate::range::SeriesRules;
use crate::SeriesError;

/// Rules a book applies to every request.
#[wasm_bindgen(js_name = BookRaw)]
pub struct BookRaw {
    rules: SeriesRules,
    rule_issues: Vec<SeriesError>,
}

fn push_tagged_id(out: &mut String, id: &SeriesId) {
    match id {
        SeriesId::Number(n) => out.push_str(&format!("n{n}")),
        SeriesId::Text(t) => {
            out.push('s');
            out.push_str(t);
        }
    }
}

#[wasm_bindgen(js_class = BookRaw)]
impl BookRaw {
    /// A book validating under `rules`.
    #[wasm_bindgen(constructor)]
    pub fn new(rules: &JsValue) -> BookRaw {
        let (rules, rule_issues) = read_rules(rules);
        BookRaw { rules, rule_issues }
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
    /// Answer: `1 US id US start US end US count US fingerprint US scope US
    /// item_code US type US format`, then per segment `RS poolKey US prefix US suffix
    /// US width US scheme US scope US first US last`; or the issues.
    pub fn prepare(&self, request: &JsValue) -> u32 {
        let kind = Held::kind_of(request);
        if let Some(issue) = kind.view().expect_object(Field::Input) {
            return wire::emit(wire::failure(&[issue]));
        }
        let f =
            ["id", "start", "end", "scope", "item_code", "type"].map(|k| Held::field(request, k));
        let request = Request {
            id: f[0].view(),
            start: f[1].view(),
            end: f[2].view(),
            scope: f[3].view(),
            item_code: f[4].view(),
            kind: f[5].view(),
        };
        let answer = match book::prepare(&request, &self.rules) {
            Ok(p) => {
                let mut out = String::from("1\u{1f}");
                push_tagged_id(&mut out, &p.id);
                out.push_str(&format!(
                    "\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                    p.range.start_text(),
                    p.range.end_text(),
                    p.range.count(),
                    p.fingerprint,
                    p.scope,
                    p.item_code,
                    p.kind.name(),
                    p.format_name()
                ));
                for s in &p.segments {
                    let k = s.key;
                    let pool_key = k.key_text();
                    out.push_str(&format!(
                        "\u{1e}{pool_key}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                        k.prefix,
                        k.suffix,
                        k.width,
                        k.scheme.name(),
                        k.scope,
                        s.first,
                        s.last
                    ));
                }
                out
            }
            Err(issues) => wire::failure(&issues),
        };
        wire::emit(answer)
    }

    /// Checks what the store answered: packed `S` records (a segment:
    /// prefix, suffix, width, scheme, scope, first, last, and the request's
    /// format name) each followed by its rows (`R`: id, first, last,
    /// format) or `X` (the store answered no array). `1` when nothing
    /// collides; `OVERLAP` with the conflicts; `RULES_MISMATCH`; or
    /// `STORE_FAILED` for rows that are not rows.
    pub fn check(&self, packed: &[u8]) -> u32 {
        let text = std::str::from_utf8(packed).unwrap_or_default();
        let answer = (|| {
            let mut conflicts = Vec::new();
            let mut segment = None;
            let mut rows = Vec::new();
            type Rows<'v> = Vec<(Value<'v>, Value<'v>, Value<'v>, Value<'v>)>;
            let mut flush = |segment: &Option<(crate::inventory::Segment<'_>, Option<Format>)>,
                             rows: &mut Rows<'_>| {
                if let Some((s, format)) = segment {
                    conflicts.extend(book::collisions(s, *format, rows.drain(..))?);
                }
                Ok::<(), SeriesError>(())
            };
            for record in text.split('\u{1e}').filter(|r| !r.is_empty()) {
                let f: Vec<Value<'_>> = fields(record).map(unpack).collect();
                match f.as_slice() {
                    [Value::Text("S"), Value::Text(prefix), Value::Text(suffix), width, Value::Text(scheme), scope, first, last, Value::Text(format)] =>
                    {
                        flush(&segment, &mut rows)?;
                        let key = KeyRef::from_parts(
                            prefix,
                            suffix,
                            *width,
                            scheme,
                            *scope,
                            Field::Store,
                        )?;
                        let (Some(a), Some(b)) = (first.as_exact_u128(), last.as_exact_u128())
                        else {
                            return Err(book::bad_rows());
                        };
                        let format = Format::from_stored_name(format).ok_or_else(book::bad_rows)?;
                        segment = Some((key.segment(a, b)?, format));
                    }
                    [Value::Text("R"), id, first, last, format] => {
                        rows.push((*id, *first, *last, *format))
                    }
                    _ => return Err(book::bad_rows()),
                }
            }
            flush(&segment, &mut rows)?;
            book::refuse_overlaps(conflicts)
        })();
        wire::emit(wire::done(answer.map_err(|e| vec![e])))
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
