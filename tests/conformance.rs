//! The shared conformance corpus (`tests/cases/*.json`) against the core.
//! The npm package (`tests/js/conformance.test.mjs`) and the component from
//! Python (`examples/python/tests/test_conformance.py`) run the same cases,
//! so every surface is held to the same answers.
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::{json, Value as Json};

mod common;
use seriesguard::book;
use seriesguard::flow;
use seriesguard::input::Value;
use seriesguard::inventory::{self, Inventory, PoolValues, SeriesId};
use seriesguard::profiles::{self, abillity, mor, shipsy};
use seriesguard::range::{self, RuleValues, SeriesRules};
use seriesguard::signing::{self, Encoding};
use seriesguard::SeriesError;

fn text(j: &Json) -> Value<'_> {
    match j {
        Json::String(s) => Value::Text(s),
        Json::Null => Value::Absent,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(n.as_f64().unwrap()),
        _ => Value::Other("value"),
    }
}

/// The case's rules, typed, with the issues of wrong options.
fn rules(c: &Json) -> (SeriesRules, Vec<SeriesError>) {
    let r = &c["rules"];
    if r.is_null() {
        return (SeriesRules::default(), Vec::new());
    }
    SeriesRules::from_values(&RuleValues {
        width: text(&r["width"]),
        prefix: text(&r["prefix"]),
        max_count: text(&r["maxCount"]),
        numeric_only: text(&r["numericOnly"]),
        scheme: text(&r["scheme"]),
        format: text(&r["format"]),
    })
}

fn codes(issues: &[SeriesError]) -> Json {
    issues.iter().map(SeriesError::code).collect()
}

fn error(issues: &[SeriesError]) -> Json {
    json!({ "error": issues[0].code() })
}

fn index_of(c: &Json) -> Result<Inventory, SeriesError> {
    let (rules, _) = rules(c);
    let mut index = Inventory::new(false).with_format(rules.format);
    let items: Vec<_> = c["stored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let segments = inventory::series_segments(
                text(&s["start"]),
                text(&s["end"]),
                text(&s["scope"]),
                &rules,
            )
            .unwrap()
            .to_vec();
            (SeriesId::from_value(text(&s["id"])).unwrap(), segments)
        })
        .collect();
    index.insert_many(&items)?;
    Ok(index)
}

fn query_segments<'a>(c: &'a Json) -> Vec<inventory::Segment<'a>> {
    let (rules, _) = rules(c);
    let q = &c["query"];
    inventory::series_segments(
        text(&q["start"]),
        text(&q["end"]),
        text(&q["scope"]),
        &rules,
    )
    .unwrap()
    .to_vec()
}

fn shipsy_body(b: &Json) -> shipsy::Body<'_> {
    shipsy::Body {
        client_code: text(&b["client_code"]),
        kind: text(&b["type"]),
        start: text(&b["start"]),
        end: text(&b["end"]),
        item_code: text(&b["item_code"]),
        hub_code: text(&b["hub_code"]),
        creator_hub: text(&b["creator_hub"]),
    }
}

/// A store in memory keeping what a real one keeps: rows per pool key,
/// each with the format of its series; `overlapping` answers the rows
/// touching the range and one row of another format, as the contract asks.
#[derive(Default)]
struct MemStore(Vec<(String, book::Row)>);

impl flow::SyncStore for MemStore {
    fn overlapping(
        &mut self,
        pool: &inventory::PoolKey,
        first: u128,
        last: u128,
        format: &str,
    ) -> Result<Vec<book::Row>, book::Refusal> {
        let key = pool.as_ref().key_text();
        let in_pool = self.0.iter().filter(|(k, _)| *k == key).map(|(_, r)| r);
        let touching = in_pool.clone().filter(|r| {
            let (a, b) = (
                r.first.parse::<u128>().unwrap(),
                r.last.parse::<u128>().unwrap(),
            );
            a <= last && b >= first
        });
        let other = in_pool
            .filter(|r| r.format.as_deref() != Some(format))
            .take(1);
        Ok(touching.chain(other).cloned().collect())
    }
    fn insert(&mut self, record: &flow::Record) -> Result<(), book::Refusal> {
        for (pool, first, last) in &record.segments {
            let row = book::Row {
                id: record.id.to_string(),
                first: first.to_string(),
                last: last.to_string(),
                format: Some(record.format_name().to_owned()),
            };
            self.0.push((pool.as_ref().key_text(), row));
        }
        Ok(())
    }
}

/// A created series as the corpus writes it, or the first issue's code.
fn created(result: Result<flow::Done, Vec<SeriesError>>) -> Json {
    match result {
        Ok(flow::Done::Created(r)) => json!(["ok", r.start, r.end, r.count.to_string()]),
        Ok(other) => panic!("not a creation: {other:?}"),
        Err(issues) => json!([issues[0].code()]),
    }
}

/// A book request as a case writes it (`{ id?, start, end, scope? }`).
fn request_of(r: &Json) -> book::Request<'_> {
    book::Request {
        id: text(&r["id"]),
        start: text(&r["start"]),
        end: text(&r["end"]),
        scope: text(&r["scope"]),
        item_code: Value::Absent,
        kind: Value::Absent,
    }
}

/// What a store is asked to insert, as the corpus writes it.
fn insert_text(start: &str, end: &str, count: &str, segments: &[(String, String)]) -> String {
    let mut text = format!("insert {start}..{end} {count}");
    if segments.len() > 1 {
        let pieces: Vec<String> = segments.iter().map(|(a, b)| format!("{a}..{b}")).collect();
        text.push_str(&format!(" [{}]", pieces.join(" ")));
    }
    text
}

/// A flow's answer as the corpus writes it.
fn flow_result(result: Result<flow::Done, Vec<SeriesError>>) -> Json {
    match result {
        Ok(flow::Done::Created(r)) => json!({ "created": [r.start, r.end, r.count.to_string()] }),
        Ok(flow::Done::Conflicts(list)) => {
            json!({ "conflicts": list.iter().map(|x| json!([x.id.to_string(), x.start, x.end, x.count.to_string()])).collect::<Vec<_>>() })
        }
        Ok(flow::Done::Plan(p)) => json!({
            "created": p.created.to_string(), "requested": p.requested.to_string(),
            "create": p.create.iter().map(|x| json!([x.start, x.end])).collect::<Vec<_>>(),
            "skipped": p.skipped.iter().map(|x| json!([x.id.to_string(), x.start, x.end])).collect::<Vec<_>>(),
        }),
        Err(issues) => json!({ "error": issues[0].code() }),
    }
}

/// Shipsy's create with every key accepted, creating through `store`.
fn shipsy_create(authorization: Value<'_>, body: &Json, store: &mut MemStore) -> profiles::Reply {
    use profiles::{Answer, Step};
    let rules = SeriesRules::default();
    let (mut flow, mut step) = shipsy::CreateFlow::start(authorization, &shipsy_body(body), &rules);
    loop {
        step = match step {
            Step::Reply(r) => return r,
            Step::Need(shipsy::Need::KeyValid(_)) => flow.resume(Answer::Yes),
            Step::Need(shipsy::Need::Create(s)) => {
                let request = s.request();
                match flow::run(flow::Mode::Create, &request, &rules, store) {
                    Ok(_) => flow.resume(Answer::Done),
                    Err(issues) => {
                        let message = issues[0].to_string();
                        flow.resume(Answer::Refused {
                            code: issues[0].code(),
                            message: &message,
                        })
                    }
                }
            }
        };
    }
}

/// A query's segments under `rules`, or its issues.
fn series_segments_of<'a>(
    q: &'a Json,
    rules: &SeriesRules,
) -> Result<Vec<inventory::Segment<'a>>, Vec<SeriesError>> {
    inventory::series_segments(text(&q["start"]), text(&q["end"]), text(&q["scope"]), rules)
        .map(|segments| segments.to_vec())
}

/// A case's aBILLity pools as the host's areas.
fn areas_of(c: &Json) -> Vec<abillity::Area<'_>> {
    c["pools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| abillity::Area {
            area_code: text(&p["areaCode"]),
            first: text(&p["first"]),
            last: text(&p["last"]),
        })
        .collect()
}

/// A JSON quantity as a host reads it: an integer exactly, anything else as it is.
fn quantity_of(q: &Json) -> Value<'_> {
    q.as_i64()
        .map_or(text(q), |q| Value::BigInt(u128::try_from(q).ok()))
}

/// MOR's calling_cards_create fed the case's scripted host answers.
fn mor_flow(c: &Json) -> Json {
    use profiles::{Answer, Step};
    let p = &c["params"];
    let params = mor::Params::read(|name| text(&p[name]));
    let g = &c["group"];
    let group = mor::group(
        g["id"].as_str().unwrap_or_default(),
        text(&g["number_length"]),
        text(&g["pin_length"]),
    );
    let facts = mor::Facts {
        secret: c["secret"].as_str().unwrap(),
        user_allowed: true,
        can_manage_cards: true,
        group,
    };
    let mut answers = c["answers"].as_array().unwrap().iter();
    let mut asked = Vec::new();
    let (mut flow, mut step) = mor::CardsFlow::start(&params, &facts);
    let page = loop {
        step = match step {
            Step::Reply(page) => break page,
            Step::Need(mor::Need::Existing { from, till, scope }) => {
                asked.push(format!("cards {from}..{till} {scope}"));
                let a = answers.next().unwrap();
                match a["cards"].as_array() {
                    Some(cards) if a["throws"] != json!(true) => {
                        let held: Vec<mor::Held<'_>> = cards
                            .iter()
                            .map(|x| mor::Held::Cards(text(&x[0]), text(&x[1])))
                            .collect();
                        flow.resume(Answer::Cards(&held))
                    }
                    _ => flow.resume(Answer::Failed),
                }
            }
        };
    };
    match page {
        Ok(page) => {
            let create = page.create.map(|c| {
                c.plan
                    .create
                    .iter()
                    .map(|p| json!([p.start, p.end]))
                    .collect::<Vec<_>>()
            });
            json!({ "asked": asked, "xml": page.xml, "create": create })
        }
        Err(issues) => json!({ "asked": asked, "error": issues[0].code() }),
    }
}

/// A new index holding a snapshot given as JSON, under the case's rules or
/// else the snapshot's own, as `SeriesIndex.fromJSON` makes one.
fn load_json(c: &Json, given: &Json) -> Result<Inventory, Vec<SeriesError>> {
    let head = inventory::Head {
        format: text(&given["format"]),
        version: text(&given["version"]),
        rules_format: text(&given["rules"]["format"]),
    };
    let items = given["pools"].as_array().unwrap().iter().flat_map(|p| {
        let pool = inventory::Item::Pool {
            prefix: text(&p["prefix"]),
            suffix: text(&p["suffix"]),
            width: text(&p["width"]),
            scheme: text(&p["scheme"]),
            scope: text(&p["scope"]),
        };
        let ranges = p["ranges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| inventory::Item::Range {
                first: text(&r[0]),
                last: text(&r[1]),
                id: text(&r[2]),
            });
        std::iter::once(pool).chain(ranges)
    });
    let (rules, issues) = if c["rules"].is_null() {
        head.rules()
    } else {
        rules(c)
    };
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut index = Inventory::new(false).with_format(rules.format);
    index.load_snapshot(head, items)?;
    Ok(index)
}

/// Every stored range as the corpus writes entries: `[id, start, end, count, scope]`.
fn plan_json(p: &inventory::Plan) -> Json {
    json!({
        "created": p.created.to_string(), "requested": p.requested.to_string(),
        "create": p.create.iter().map(|x| json!([x.start, x.end])).collect::<Vec<_>>(),
        "skipped": p.skipped.iter().map(|x| json!([x.id.to_string(), x.start, x.end])).collect::<Vec<_>>(),
    })
}

/// `{ results }`: per query of the case, `answer` over its segments in the
/// case's index, or the query's error.
fn per_query(c: &Json, answer: impl Fn(&Inventory, &[inventory::Segment<'_>]) -> Json) -> Json {
    let (rules, _) = rules(c);
    let index = index_of(c).unwrap();
    let results: Vec<Json> = c["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| match series_segments_of(q, &rules) {
            Ok(segments) => answer(&index, &segments),
            Err(issues) => error(&issues),
        })
        .collect();
    json!({ "results": results })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A binary snapshot as a case changes it before loading: a bit flipped
/// (`flip: [offset, bit]`), cut to `cut` bytes, or other bytes (`load`, hex).
fn changed(c: &Json, written: &[u8]) -> Vec<u8> {
    let mut bytes = written.to_vec();
    if let Some([at, bit]) = c["flip"].as_array().map(|f| [&f[0], &f[1]]) {
        bytes[at.as_u64().unwrap() as usize] ^= 1 << bit.as_u64().unwrap();
    }
    if let Some(cut) = c["cut"].as_u64() {
        bytes.truncate(cut as usize);
    }
    if let Some(load) = c["load"].as_str() {
        bytes = (0..load.len() / 2)
            .map(|i| u8::from_str_radix(&load[2 * i..2 * i + 2], 16).unwrap())
            .collect();
    }
    bytes
}

fn entries(index: &Inventory) -> Vec<Json> {
    index
        .iter()
        .map(|(k, a, b, id)| {
            let k = k.as_ref();
            json!([
                id.to_string(),
                k.identifier(a),
                k.identifier(b),
                (b - a + 1).to_string(),
                k.scope
            ])
        })
        .collect()
}

/// A platform flow's answer as the corpus scripts it.
fn scripted_answer<'a>(a: &'a Json, held: &'a Option<Inventory>) -> profiles::Answer<'a> {
    use profiles::Answer;
    if a["throws"] == json!(true) {
        Answer::Failed
    } else if a["done"] == json!(true) {
        Answer::Done
    } else if let Some(code) = a["refused"].as_str() {
        Answer::Refused {
            code,
            message: a["message"].as_str().unwrap_or_default(),
        }
    } else if !a["held"].is_null() {
        held.as_ref().map_or(Answer::Failed, Answer::Held)
    } else {
        Answer::Value(text(&a["value"]))
    }
}

/// The reservations a scripted answer holds (`None`: garbage).
fn held_of(a: &Json, area: &str) -> Option<Inventory> {
    let blocks = a["held"].as_array()?;
    abillity::reservations(
        area,
        blocks
            .iter()
            .map(|b| (b[0].as_str().unwrap(), b[1].as_str().unwrap())),
    )
}

/// A platform flow (Shipsy's create, aBILLity's StockNumber) fed the
/// case's scripted host answers in order.
fn platform_flow(c: &Json) -> Json {
    use profiles::Step;
    let mut answers = c["answers"].as_array().unwrap().iter();
    let mut asked: Vec<String> = Vec::new();
    if c["platform"] == "mor" {
        return mor_flow(c);
    }
    let (status, body) = if c["platform"] == "shipsy" {
        let body = shipsy_body(&c["body"]);
        let (mut flow, mut step) =
            shipsy::CreateFlow::start(text(&c["authorization"]), &body, &SeriesRules::default());
        loop {
            step = match step {
                Step::Reply(r) => break (r.status, r.body),
                Step::Need(shipsy::Need::KeyValid(key)) => {
                    asked.push(format!("key {key}"));
                    flow.resume(scripted_answer(answers.next().unwrap(), &None))
                }
                // The series is created through a book over the scripted store.
                Step::Need(shipsy::Need::Create(s)) => {
                    let request = s.request();
                    let rules = SeriesRules::default();
                    match scripted_book(
                        flow::Mode::Create,
                        &request,
                        &rules,
                        &mut answers,
                        &mut asked,
                    ) {
                        Ok(_) => flow.resume(profiles::Answer::Done),
                        Err(issues) => {
                            let message = issues[0].to_string();
                            flow.resume(profiles::Answer::Refused {
                                code: issues[0].code(),
                                message: &message,
                            })
                        }
                    }
                }
            };
        }
    } else {
        let areas = areas_of(c);
        let b = &c["body"];
        let quantity = quantity_of(&b["Quantity"]);
        let (mut flow, mut step) = abillity::StockFlow::start(
            c["service_id"].as_str().unwrap(),
            text(&b["AreaCode"]),
            quantity,
            &areas,
            text(&c["max_quantity"]),
        );
        loop {
            use abillity::Need;
            let mut area = String::new();
            let need = match step {
                Step::Reply((r, _)) => break (r.status, r.body),
                Step::Need(Need::ServiceFound) => "service".to_owned(),
                Step::Need(Need::IsQuote) => "quote".to_owned(),
                Step::Need(Need::StockNumberId) => "id".to_owned(),
                Step::Need(Need::Reserved { area_code, attempt }) => {
                    area = area_code;
                    format!("reserved {area} {attempt}")
                }
                Step::Need(Need::Save(r)) => match r.block {
                    Some(b) => format!(
                        "save {} {} {} {}..{}",
                        r.id, r.area_code, r.quantity, b.start, b.end
                    ),
                    None => format!("save {} {} {} null", r.id, r.area_code, r.quantity),
                },
            };
            asked.push(need);
            let a = answers.next().unwrap();
            let held = held_of(a, &area);
            step = flow.resume(scripted_answer(a, &held));
        }
    };
    json!({ "asked": asked, "status": status, "body": body })
}

/// A book flow fed the case's scripted store answers in order.
fn scripted_flow(c: &Json) -> Json {
    let (rules, _) = rules(c);
    let mode = match c["mode"].as_str().unwrap() {
        "create" => flow::Mode::Create,
        "conflicts" => flow::Mode::Conflicts,
        "plan" => flow::Mode::Plan,
        _ => flow::Mode::CreateFree,
    };
    let request = request_of(&c["request"]);
    let mut answers = c["answers"].as_array().unwrap().iter();
    let mut asked = Vec::new();
    let result = scripted_book(mode, &request, &rules, &mut answers, &mut asked);
    json!({ "asked": asked, "result": flow_result(result) })
}

/// A bulk flow over a store answering from the case's script, logging what it is asked.
fn scripted_bulk(c: &Json) -> Json {
    use seriesguard::bulk::{BulkFlow, BulkMode, BulkStep};
    let (rules, _) = rules(c);
    let mode = c["mode"].as_str().unwrap();
    let free = mode.ends_with("_free");
    let mut flow = BulkFlow::new(match mode.starts_with("create") {
        true => BulkMode::Create { free },
        false => BulkMode::Plan { free },
    });
    for r in c["requests"].as_array().unwrap() {
        flow.add(&request_of(r), &rules);
    }
    let mut answers = c["answers"].as_array().unwrap().iter();
    let mut asked = Vec::new();
    let mut step = flow.start();
    let result = loop {
        step = match step {
            BulkStep::Done(result) => break result,
            BulkStep::Rows { first, last, .. } => {
                asked.push(format!("rows {first}..{last}"));
                let answer = answers.next().unwrap();
                if answer["throws"] == json!(true) {
                    flow.resume(flow::Answer::Failed { missing: false })
                } else {
                    let rows = answer["rows"].as_array().unwrap();
                    let rows = rows
                        .iter()
                        .map(|row| (text(&row[0]), text(&row[1]), text(&row[2]), text(&row[3])))
                        .collect();
                    flow.resume(flow::Answer::Rows(rows))
                }
            }
            BulkStep::InsertMany(records) => {
                let each: Vec<String> = records
                    .iter()
                    .map(|r| format!("{}..{} {}", r.start, r.end, r.count))
                    .collect();
                asked.push(format!("insert many {}", each.join("; ")));
                flow.resume(match answers.next().unwrap()["refused"].as_str() {
                    Some("overlap") => flow::Answer::Refused(book::Refusal::Overlap),
                    Some(_) => flow::Answer::Refused(book::Refusal::Failed),
                    None => flow::Answer::Inserted,
                })
            }
        };
    };
    let result = match result {
        Ok(bulk) => {
            let outcomes: Vec<Json> = bulk.outcomes.iter().map(bulk_outcome).collect();
            let mut out = json!({ "outcomes": outcomes });
            if mode.starts_with("create") {
                out["stored"] = json!(bulk.stored);
            }
            out
        }
        Err(issues) => json!({ "error": issues[0].code() }),
    };
    json!({ "asked": asked, "result": result })
}

/// A bulk outcome as the corpus writes it.
fn bulk_outcome(outcome: &Result<seriesguard::inventory::Plan, Vec<SeriesError>>) -> Json {
    let holders = |list: &[seriesguard::conflict::Conflict]| -> Vec<Json> {
        list.iter()
            .map(|x| json!([x.id.to_string(), x.start, x.end]))
            .collect()
    };
    match outcome {
        Ok(p) if p.skipped.is_empty() => {
            json!(["create", p.created.to_string(), p.requested.to_string()])
        }
        Ok(p) => json!([
            "partial",
            p.created.to_string(),
            p.requested.to_string(),
            holders(&p.skipped)
        ]),
        Err(issues) => match &issues[0] {
            SeriesError::Overlap { conflicts, .. } => {
                let ids: Vec<String> = conflicts.iter().map(|x| x.id.to_string()).collect();
                json!(["refused", "OVERLAP", ids])
            }
            issue => json!(["refused", issue.code()]),
        },
    }
}

/// A book flow over a store answering from `answers`, logging what it is asked.
fn scripted_book<'a>(
    mode: flow::Mode,
    request: &book::Request<'_>,
    rules: &SeriesRules,
    answers: &mut impl Iterator<Item = &'a Json>,
    asked: &mut Vec<String>,
) -> Result<flow::Done, Vec<SeriesError>> {
    let (mut flow, mut step) = flow::BookFlow::start(mode, request, rules);
    loop {
        step = match step {
            flow::Step::Done(result) => return result,
            flow::Step::Need(flow::Need::Rows { first, last, .. }) => {
                asked.push(format!("rows {first}..{last}"));
                let answer = answers.next().unwrap();
                if answer["throws"] == json!(true) {
                    flow.resume(flow::Answer::Failed { missing: false })
                } else if let Some(rows) = answer["rows"].as_array() {
                    let rows = rows
                        .iter()
                        .map(|row| (text(&row[0]), text(&row[1]), text(&row[2]), text(&row[3])))
                        .collect();
                    flow.resume(flow::Answer::Rows(rows))
                } else {
                    flow.resume(flow::Answer::NotRows)
                }
            }
            flow::Step::Need(flow::Need::Insert(record)) => {
                let segments: Vec<(String, String)> = record
                    .segments
                    .iter()
                    .map(|(_, a, b)| (a.to_string(), b.to_string()))
                    .collect();
                asked.push(insert_text(
                    &record.start,
                    &record.end,
                    &record.count.to_string(),
                    &segments,
                ));
                let answer = answers.next().unwrap();
                flow.resume(match answer["refused"].as_str() {
                    Some("overlap") => flow::Answer::Refused(book::Refusal::Overlap),
                    Some(_) => flow::Answer::Refused(book::Refusal::Failed),
                    None => flow::Answer::Inserted,
                })
            }
        };
    }
}

/// Where `got` differs from `expected`, read as a subset: every member an
/// expected object names must match (arrays element by element, same length).
fn differences(path: &str, got: &Json, expected: &Json, out: &mut Vec<String>) {
    match (got, expected) {
        (Json::Object(g), Json::Object(e)) => {
            for (k, v) in e {
                differences(
                    &format!("{path}.{k}"),
                    g.get(k).unwrap_or(&Json::Null),
                    v,
                    out,
                );
            }
        }
        (Json::Array(g), Json::Array(e)) if g.len() == e.len() => {
            for (i, (g, e)) in g.iter().zip(e).enumerate() {
                differences(&format!("{path}[{i}]"), g, e, out);
            }
        }
        _ if got == expected => {}
        _ => out.push(format!("{path}: got {got}, expected {expected}")),
    }
}

/// A lifecycle case: every step's answer against its expectation, then
/// (with `replay`) the declarations and events replayed into new pools
/// must give the same state.
fn lifecycle(c: &Json) -> Json {
    let (rules, _) = rules(c);
    let mut pools = seriesguard::lifecycle::Pools::default();
    let (mut out, mut declared, mut events) = (Vec::new(), Vec::new(), Vec::new());
    for (i, step) in c["steps"].as_array().unwrap().iter().enumerate() {
        let request = &step["request"];
        let got = match pools.run(&request.to_string(), &rules) {
            Ok(text) => serde_json::from_str(&text).unwrap(),
            Err(e) => json!({ "error": e.code(), "message": e.to_string() }),
        };
        if got.get("error").is_none() {
            if request["op"] == "declare" {
                declared.push(request.clone());
            }
            events.extend(got["events"].as_array().cloned().unwrap_or_default());
        }
        differences(&format!("step {i}"), &got, &step["expect"], &mut out);
    }
    if c["replay"] == true {
        let state = pools.run(r#"{"op":"state"}"#, &rules).unwrap();
        let replay = json!({ "op": "replay", "pools": declared, "events": events });
        let mut fresh = seriesguard::lifecycle::Pools::default();
        let replayed = fresh
            .run(&replay.to_string(), &rules)
            .and_then(|_| fresh.run(r#"{"op":"state"}"#, &rules));
        match replayed {
            Ok(replayed) if replayed == state => {}
            other => out.push(format!("replay: {other:?} instead of {state}")),
        }
    }
    json!({ "differences": out })
}

/// A pool-book case: books over one in-memory trail store, each step's
/// answer against its expectation; `append` makes the store fail or answer
/// stale once.
fn pool_book(c: &Json) -> Json {
    let (rules, _) = rules(c);
    let mut store = common::TrailStore::default();
    let mut books: Vec<seriesguard::lifecycle::book::PoolBook> =
        (0..2).map(|_| Default::default()).collect();
    let mut out = Vec::new();
    for (i, step) in c["steps"].as_array().unwrap().iter().enumerate() {
        store.fail = step["append"] == "fails";
        store.stale = step["append"] == "stale";
        let book = &mut books[step["book"].as_u64().unwrap() as usize];
        let got = match common::drive(book, &mut store, step["request"].clone(), &rules) {
            Ok(answer) => answer,
            Err(code) => json!({ "error": code }),
        };
        differences(&format!("step {i}"), &got, &step["expect"], &mut out);
    }
    json!({ "differences": out, "store": { "declarations": store.declarations.len(), "events": store.events.len() } })
}

fn run(c: &Json) -> Json {
    let op = c["op"].as_str().unwrap();
    match op {
        "pool_book" => pool_book(c),
        "lifecycle" => lifecycle(c),
        "flow" => scripted_flow(c),
        "bulk" => scripted_bulk(c),
        "verify" => {
            let (rules, _) = rules(c);
            let request = request_of(&c["request"]);
            // The pools as the book prepares the request (or the same range in another scope).
            let mut pools_of = c["request"].clone();
            if let Some(other) = c["other_scope"].as_str() {
                pools_of["scope"] = json!(other);
            }
            let keys: Vec<String> = match book::prepare(&request_of(&pools_of), &rules) {
                Ok(p) => p.segments.iter().map(|s| s.key.key_text()).collect(),
                Err(_) => vec![String::new()],
            };
            let segments: Vec<(&str, Value<'_>, Value<'_>)> = c["segments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    let key = keys
                        .get(g[0].as_u64().unwrap() as usize)
                        .map_or("", String::as_str);
                    (key, text(&g[1]), text(&g[2]))
                })
                .collect();
            match book::verify(&request, &segments, text(&c["count"]), &rules) {
                Ok(()) => json!({ "ok": true }),
                Err(issues) => error(&issues),
            }
        }
        "platform_flow" => platform_flow(c),
        "validate_many" => {
            let (rules, rule_issues) = rules(c);
            let results: Vec<Json> = c["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    let v = range::validate(text(&i["start"]), text(&i["end"]), &rules);
                    let mut issues = rule_issues.clone();
                    issues.extend(v.issues);
                    let count = v.range.as_ref().map(|r| r.count().to_string());
                    json!([issues.is_empty(), count, codes(&issues)])
                })
                .collect();
            json!({ "results": results })
        }
        "overlaps_many" => per_query(c, |index, segments| {
            json!(index
                .overlaps(segments)
                .iter()
                .map(|x| json!([x.id.to_string(), x.start, x.end, x.count.to_string()]))
                .collect::<Vec<_>>())
        }),
        "plan_many" => per_query(c, |index, segments| plan_json(&index.plan(segments))),
        "gaps" => {
            let gaps = index_of(c).unwrap().gaps(&query_segments(c));
            json!({ "pieces": gaps.iter().map(|p| json!([p.start, p.end, p.count.to_string()])).collect::<Vec<_>>() })
        }
        "stats" => {
            let stats = index_of(c).unwrap().stats();
            let pools: Vec<Json> = stats
                .pools
                .iter()
                .map(|(k, ranges, numbers)| {
                    json!([k.prefix, k.width, k.scope, ranges, numbers.to_string()])
                })
                .collect();
            json!({ "ranges": stats.ranges, "numbers": stats.numbers.map(|n| n.to_string()), "pools": pools })
        }
        "entries" => json!({ "entries": entries(&index_of(c).unwrap()) }),
        "snapshot" => {
            // Written by toJSON's writer, read back by the core's reader.
            let written: Json = serde_json::from_str(&index_of(c).unwrap().to_json()).unwrap();
            let index = load_json(c, &written).unwrap();
            json!({
                "entries": entries(&index), "format": written["format"],
                "version": written["version"], "rules": written["rules"]["format"],
            })
        }
        "binary_snapshot" => {
            let written = index_of(c).unwrap().to_bytes();
            let bytes = changed(c, &written);
            let given = json!({ "rules": c["load_rules"] });
            let loaded = match rules(&given) {
                (_, issues) if !issues.is_empty() => Err(issues),
                (rules, _) => {
                    Inventory::from_bytes(&bytes, given["rules"].is_object().then_some(rules))
                }
            };
            let mut out = match loaded {
                Ok((index, _)) => json!({ "entries": entries(&index) }),
                Err(issues) => error(&issues),
            };
            out["hex"] = json!(hex(&written));
            out
        }
        "from_json" => match load_json(c, &c["snapshot"]) {
            Ok(index) => json!({ "entries": entries(&index) }),
            Err(issues) => error(&issues),
        },
        "abillity_requests" => match abillity::requests(text(&c["quantity"]), text(&c["max"])) {
            Ok((size, full, rest)) => {
                let area = c["area"].as_str().unwrap();
                let mut list: Vec<Json> = (0..full).map(|_| json!([area, size])).collect();
                if rest > 0 {
                    list.push(json!([area, rest]));
                }
                json!({ "requests": list })
            }
            Err(e) => error(&[e]),
        },
        "crm_traceable" => {
            // The catalog read in the documented shape the core names.
            let shape = &profiles::crm::CATALOG;
            let entries = c["catalog"][shape.list].as_array().unwrap();
            let goods: Vec<profiles::crm::Good<'_>> = entries
                .iter()
                .map(|e| {
                    let product = &e[shape.product];
                    let kind = &product[shape.product_type];
                    let [code, alternative] =
                        shape.codes.map(|k| product[k].as_str().unwrap_or_default());
                    let [class, good_type] =
                        shape.types.map(|k| kind[k].as_str().unwrap_or_default());
                    profiles::crm::Good {
                        code,
                        alternative_code: alternative,
                        classification: class,
                        physical_good_type: good_type,
                    }
                })
                .collect();
            let issues: Vec<SeriesError> = profiles::crm::traceable(&goods, text(&c["item_code"]))
                .err()
                .into_iter()
                .collect();
            json!({ "codes": codes(&issues) })
        }
        "mor_scope" => json!({ "scope": mor::scope(c["group_id"].as_str().unwrap()) }),
        "add_many" => {
            let (rules, _) = rules(c);
            let items = c["stored"].as_array().unwrap().iter().map(|s| {
                inventory::series_item(
                    text(&s["id"]),
                    text(&s["start"]),
                    text(&s["end"]),
                    text(&s["scope"]),
                    &rules,
                )
            });
            match Inventory::new(false).insert_all(items, 0) {
                Ok(()) => json!({ "codes": [] }),
                Err(issues) => json!({ "codes": codes(&issues) }),
            }
        }
        "creates" => {
            let mut store = MemStore::default();
            let results: Vec<Json> = c["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|step| {
                    let (rules, _) = rules(step);
                    let request = request_of(&step["request"]);
                    created(flow::run(flow::Mode::Create, &request, &rules, &mut store))
                })
                .collect();
            json!({ "results": results })
        }
        "shipsy_creates" => {
            let mut store = MemStore::default();
            let results: Vec<Json> = c["bodies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    let reply = shipsy_create(Value::Text("Basic k"), b, &mut store);
                    let body: Json = serde_json::from_str(&reply.body).unwrap();
                    let reason = body["error"]["reason"].as_str().unwrap_or("OK").to_owned();
                    json!([reply.status, reason])
                })
                .collect();
            json!({ "results": results })
        }
        "validate" | "count" => {
            let (rules, mut issues) = rules(c);
            let v = range::validate(text(&c["start"]), text(&c["end"]), &rules);
            issues.extend(v.issues);
            let r = v.range.as_ref();
            if op == "count" {
                return match r {
                    Some(r) if issues.is_empty() => json!({ "count": r.count().to_string() }),
                    _ => error(&issues),
                };
            }
            let mut out = json!({ "ok": issues.is_empty(), "count": r.map(|r| r.count().to_string()), "codes": codes(&issues) });
            if let Some(r) = r {
                out["start"] = json!(r.start_text());
                out["end"] = json!(r.end_text());
            }
            out
        }
        "parse" => {
            let (rules, mut issues) = rules(c);
            match range::read(
                text(&c["text"]),
                seriesguard::error::Field::Serial,
                &rules,
                &mut issues,
            ) {
                Some(s) if issues.is_empty() => json!({
                    "prefix": s.prefix(), "body": s.digits_text(), "width": s.width(), "suffix": s.suffix(),
                    "check_digit": s.check_digit().map(|d| d.to_string()),
                }),
                _ => error(&issues),
            }
        }
        "check_digit" => match range::check_digit_of(text(&c["scheme"]), text(&c["body"])) {
            Ok(d) => json!({ "digit": d.to_string() }),
            Err(e) => error(&[e]),
        },
        "csv" => {
            let mut out = match seriesguard::csv::read(c["text"].as_str().unwrap_or_default()) {
                Ok(rows) => json!({ "rows": rows }),
                Err(e) => json!({ "error": e.code(), "message": e.to_string() }),
            };
            if let Some(rows) = c["write"].as_array() {
                let rows: Vec<Vec<&str>> = rows
                    .iter()
                    .map(|r| {
                        r.as_array()
                            .into_iter()
                            .flatten()
                            .map(|x| x.as_str().unwrap_or_default())
                            .collect()
                    })
                    .collect();
                out["written"] = json!(seriesguard::csv::write(&rows));
            }
            out
        }
        "in_words" => {
            let part = |name: &str| c["issue"][name].as_str().unwrap_or_default();
            json!({ "words": seriesguard::error::in_words(part("code"), part("field"), part("message")) })
        }
        "verify_check_digit" => match range::verify_check_digit(text(&c["scheme"]), text(&c["id"]))
        {
            Ok(v) => json!({ "valid": v }),
            Err(e) => error(&[e]),
        },
        "split" => {
            let (rules, issues) = rules(c);
            match inventory::split_series(
                text(&c["start"]),
                text(&c["end"]),
                text(&c["max"]),
                &rules,
                issues,
            ) {
                Ok(pieces) => {
                    json!({ "pieces": pieces.iter().map(|p| json!([p.start, p.end, p.count.to_string()])).collect::<Vec<_>>() })
                }
                Err(issues) => error(&issues),
            }
        }
        "mor_hash" => {
            let params: Vec<&str> = c["params"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            let hash =
                seriesguard::input::text_arg(text(&c["secret"]), seriesguard::error::Field::Secret)
                    .and_then(|secret| signing::mor_hash(&params, secret));
            match hash {
                Ok(h) => json!({ "hash": h }),
                Err(e) => error(&[e]),
            }
        }
        "hmac" => {
            let (key, message) = (c["key"].as_str().unwrap(), c["message"].as_str().unwrap());
            let hex = signing::hmac_sha256(
                key.as_bytes(),
                message.as_bytes(),
                Encoding::from_value(Value::Text("hex")).unwrap(),
            );
            json!({ "hex": hex.unwrap() })
        }
        "fingerprints" => {
            let fp = |s: &Json| {
                signing::fingerprint_input(
                    text(&s["start"]),
                    text(&s["end"]),
                    text(&s["item_code"]),
                    text(&s["type"]),
                    &SeriesRules::default(),
                )
                .unwrap()
            };
            json!({ "equal": fp(&c["a"]) == fp(&c["b"]) })
        }
        "overlaps" => match index_of(c) {
            Ok(index) => json!({ "conflicts": index.overlaps(&query_segments(c)).iter()
                .map(|x| json!([x.id.to_string(), x.start, x.end, x.count.to_string()])).collect::<Vec<_>>() }),
            Err(e) => error(&[e]),
        },
        "plan" => plan_json(&index_of(c).unwrap().plan(&query_segments(c))),
        "allocate" => {
            let p = &c["pool"];
            let pool = PoolValues {
                width: text(&p["width"]),
                first: text(&p["first"]),
                last: text(&p["last"]),
                scope: text(&p["scope"]),
                ..PoolValues::default()
            };
            let block = index_of(c)
                .unwrap()
                .allocate(&pool, text(&c["quantity"]), Value::Absent)
                .unwrap();
            json!({ "block": block.map(|b| json!([b.start, b.end])) })
        }
        "shipsy_validate" => {
            let body = shipsy_body(&c["body"]);
            let v = shipsy::form_issues(&body, None, &SeriesRules::default());
            json!({
                "ok": v.issues.is_empty(), "count": v.range.as_ref().map(|r| r.count().to_string()),
                "codes": codes(&v.issues), "customer": shipsy::customer(&body).ok().flatten(),
            })
        }
        "shipsy_create" => {
            let reply = shipsy_create(
                text(&c["authorization"]),
                &c["body"],
                &mut MemStore::default(),
            );
            json!({ "status": reply.status, "body": reply.body })
        }
        "mor_cards" => {
            let p = &c["params"];
            let params = mor::Params::read(|name| text(&p[name]));
            let g = &c["group"];
            let group = (!g.is_null()).then(|| mor::Group {
                id: g["id"].as_str().unwrap(),
                number_length: g["number_length"].as_u64().unwrap() as usize,
                pin_length: g["pin_length"].as_u64().map(|n| n as u32),
            });
            let facts = mor::Facts {
                secret: c["secret"].as_str().unwrap(),
                user_allowed: true,
                can_manage_cards: true,
                group,
            };
            match mor::check(&params, &facts) {
                Err(e) => json!({ "xml": mor::error_xml(e) }),
                Ok(accepted) => {
                    let existing = c["existing"].as_array().unwrap();
                    let held = existing
                        .iter()
                        .map(|e| mor::Held::Cards(text(&e[0]), text(&e[1])));
                    let (from, till) = (accepted.range.start_text(), accepted.range.end_text());
                    let length = accepted.range.start().width();
                    let (xml, _) = mor::plan_cards(&from, &till, length, held).unwrap();
                    json!({ "xml": xml })
                }
            }
        }
        "abillity" => {
            // The host: the service exists, the case says whether it is a
            // quote, its reservations are `stored`, and every save succeeds.
            let areas = areas_of(c);
            let b = &c["body"];
            let (mut flow, mut step) = abillity::StockFlow::start(
                "1",
                text(&b["AreaCode"]),
                quantity_of(&b["Quantity"]),
                &areas,
                text(&c["max_quantity"]),
            );
            let stored = c["stored"].as_array().unwrap();
            let reply = loop {
                use abillity::Need;
                use profiles::{Answer, Step};
                step = match step {
                    Step::Reply((r, _)) => break r,
                    Step::Need(Need::ServiceFound) => flow.resume(Answer::Yes),
                    Step::Need(Need::IsQuote) => flow.resume(Answer::Value(text(&c["is_quote"]))),
                    Step::Need(Need::StockNumberId) => {
                        flow.resume(Answer::Value(text(&c["stock_number_id"])))
                    }
                    Step::Need(Need::Reserved { area_code, .. }) => {
                        let pairs = stored
                            .iter()
                            .map(|s| (s[0].as_str().unwrap(), s[1].as_str().unwrap()));
                        let index = abillity::reservations(&area_code, pairs).unwrap();
                        flow.resume(Answer::Held(&index))
                    }
                    Step::Need(Need::Save(_)) => flow.resume(Answer::Done),
                };
            };
            json!({ "status": reply.status, "body": reply.body })
        }
        other => panic!("unknown op {other}"),
    }
}

#[test]
fn every_surface_gives_the_corpus_answers() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    let mut failures = Vec::new();
    let mut ran = 0;
    for path in &files {
        let cases: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for c in cases["cases"].as_array().unwrap() {
            ran += 1;
            let got = run(c);
            if got != c["expect"] {
                failures.push(format!(
                    "{}: {}\n  got      {got}\n  expected {}",
                    path.display(),
                    c["name"],
                    c["expect"]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
