//! Bindings for the platform create flows ([`crate::profiles`]'s step
//! machines), in the server build only (feature `server`,
//! `seriesguard/server`): a backend drives them, no browser does. The
//! wrapper in `pkg/lib/profiles.js` awaits the host's answers (API key
//! valid? which cards exist? which block is free?) between calls.
//!
//! Answers: `R status US body` for a finished reply; `N US need US fields`
//! for what the flow needs next.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::profiles::{shipsy_body, SHIPSY_FIELDS};
use super::value::{records, Held};
use super::{read_rules, wire, IndexRaw};
use crate::input::Value;
use crate::profiles::{abillity, mor, shipsy, Answer, Reply, Step};

fn reply(r: &Reply) -> String {
    format!("R{}\u{1f}{}", r.status, r.body)
}

/// A reply with its XML form: `R status US body US xml`.
fn reply_with_xml((r, xml): (Reply, String)) -> String {
    format!("{}\u{1f}{xml}", reply(&r))
}

/// A platform's create flow (`profiles::shipsy::CreateFlow`,
/// `profiles::abillity::StockFlow`), driven by `pkg/api.js`: each step is
/// `R status US body [US xml]` for the reply, or `N US need US fields`.
enum Machine {
    Shipsy(shipsy::CreateFlow),
    Mor(mor::CardsFlow),
    Stock(abillity::StockFlow),
}

/// A platform flow for the wrapper to drive.
#[wasm_bindgen]
pub struct ProfileFlowRaw {
    machine: RefCell<Machine>,
    first: RefCell<Option<String>>,
}

fn shipsy_step(step: Step<shipsy::Need, Reply>) -> String {
    match step {
        Step::Reply(r) => reply(&r),
        Step::Need(shipsy::Need::KeyValid(key)) => format!("N\u{1f}K\u{1f}{key}"),
        Step::Need(shipsy::Need::Create(s)) => {
            let mut out = String::from("N\u{1f}C");
            wire::push_fields(
                &mut out,
                '\u{1f}',
                &[&s.scope, &s.start, &s.end, &s.item_code, &s.kind.name()],
            );
            out
        }
    }
}

/// MOR's steps: `N US E US from US till US scope` (the group's cards);
/// the error page `R200 US xml US error`; an accepted page `P US xml US
/// batch US min_balance US distributor US language`, FS, and the plan as
/// [`wire::plan`] writes it; or the issues.
fn mor_step(step: Step<mor::Need, Result<mor::Page, Vec<crate::SeriesError>>>) -> String {
    match step {
        Step::Need(mor::Need::Existing { from, till, scope }) => {
            let mut out = String::from("N\u{1f}E");
            wire::push_fields(&mut out, '\u{1f}', &[&from, &till, &scope]);
            out
        }
        Step::Reply(Ok(mor::Page {
            xml,
            create: Some(c),
            ..
        })) => {
            let o = &c.options;
            let mut out = String::from("P");
            let fields: [&dyn std::fmt::Display; 5] = [
                &xml,
                &o.batch_number,
                &o.min_balance,
                &o.distributor_id,
                &o.language,
            ];
            wire::push_fields(&mut out, '\u{1f}', &fields);
            out.push('\u{1c}');
            out.push_str(&wire::plan(Ok(c.plan)));
            out
        }
        Step::Reply(Ok(page)) => {
            let mut out = String::from("R200");
            let error = page.error.unwrap_or_default();
            wire::push_fields(&mut out, '\u{1f}', &[&page.xml, &error]);
            out
        }
        Step::Reply(Err(issues)) => wire::failure(&issues),
    }
}

fn stock_step(step: Step<abillity::Need, abillity::Replied>) -> String {
    use abillity::Need;
    match step {
        Step::Reply(r) => reply_with_xml(r),
        Step::Need(Need::ServiceFound) => "N\u{1f}F".to_owned(),
        Step::Need(Need::IsQuote) => "N\u{1f}Q".to_owned(),
        Step::Need(Need::StockNumberId) => "N\u{1f}I".to_owned(),
        Step::Need(Need::Reserved { area_code, attempt }) => {
            let mut out = String::from("N\u{1f}L");
            wire::push_fields(&mut out, '\u{1f}', &[&area_code, &attempt]);
            out
        }
        Step::Need(Need::Save(r)) => {
            let mut out = String::from("N\u{1f}S");
            wire::push_fields(&mut out, '\u{1f}', &[&r.id, &r.area_code, &r.quantity]);
            if let Some(b) = &r.block {
                wire::push_fields(&mut out, '\u{1f}', &[&b.start, &b.end]);
            }
            out
        }
    }
}

impl ProfileFlowRaw {
    fn new(machine: Machine, first: String) -> ProfileFlowRaw {
        ProfileFlowRaw {
            machine: RefCell::new(machine),
            first: RefCell::new(Some(first)),
        }
    }

    fn feed(&self, answer: Answer<'_>) -> u32 {
        let text = match &mut *self.machine.borrow_mut() {
            Machine::Shipsy(flow) => shipsy_step(flow.resume(answer)),
            Machine::Mor(flow) => mor_step(flow.resume(answer)),
            Machine::Stock(flow) => stock_step(flow.resume(answer)),
        };
        wire::emit(text)
    }
}

#[wasm_bindgen(js_class = ProfileFlowRaw)]
impl ProfileFlowRaw {
    /// Shipsy's create for the `Authorization` header's value and a body.
    pub fn shipsy(authorization: &JsValue, body: &JsValue, rules: &JsValue) -> ProfileFlowRaw {
        let (rules, _) = read_rules(rules);
        let auth = Held::from_js(authorization);
        let f = SHIPSY_FIELDS.map(|k| Held::field(body, k));
        let (flow, step) = shipsy::CreateFlow::start(auth.view(), &shipsy_body(&f), &rules);
        let first = match Held::kind_of(body)
            .view()
            .expect_object(crate::error::Field::Input)
        {
            // A body that is no object, with a key given: that is the error.
            Some(issue) if !matches!(auth.view(), Value::Absent) => reply(&shipsy::error(&issue)),
            _ => shipsy_step(step),
        };
        ProfileFlowRaw::new(Machine::Shipsy(flow), first)
    }

    /// MOR's calling_cards_create for the request's parameters, the API
    /// secret, the host's facts (`role`, or `userAllowed`; `canManageCards`)
    /// and its card group (`{ id, numberLength, pinLength? }` or null).
    pub fn mor(
        params: &JsValue,
        secret: &JsValue,
        facts: &JsValue,
        group: &JsValue,
    ) -> ProfileFlowRaw {
        let p = mor::Params::NAMES.map(|k| Held::field(params, k));
        let secret = Held::from_js(secret);
        let [role, allowed, manage] =
            ["role", "userAllowed", "canManageCards"].map(|k| Held::field(facts, k));
        let user_allowed = mor::user_allowed(role.view(), allowed.view());
        let can_manage_cards = mor::fact(manage.view());
        let g = ["id", "numberLength", "pinLength"].map(|k| Held::field(group, k));
        let group_id = match g[0].view() {
            Value::Text(t) => Some(t.to_owned()),
            other => other.as_exact_u128().map(|n| n.to_string()),
        };
        let group = group_id
            .as_deref()
            .and_then(|id| mor::group(id, g[1].view(), g[2].view()));
        let params = mor::Params::from_array(p.each_ref().map(Held::view));
        let facts = mor::Facts {
            secret: match secret.view() {
                Value::Text(t) => t,
                _ => "",
            },
            user_allowed,
            can_manage_cards,
            group,
        };
        let (flow, step) = mor::CardsFlow::start(&params, &facts);
        ProfileFlowRaw::new(Machine::Mor(flow), mor_step(step))
    }

    /// aBILLity's StockNumber for the path's service id and a body, over
    /// the host's areas (packed `areaCode US first US last` records) and
    /// its configured maximum.
    #[wasm_bindgen(js_name = stockNumber)]
    pub fn stock_number(
        service_id: &str,
        body: &JsValue,
        areas: &[u8],
        max: &JsValue,
    ) -> ProfileFlowRaw {
        let [area, quantity] = ["AreaCode", "Quantity"].map(|k| Held::field(body, k));
        let text = std::str::from_utf8(areas).unwrap_or_default();
        let areas: Vec<abillity::Area<'_>> = records(text)
            .map(|mut next| abillity::Area {
                area_code: next(),
                first: next(),
                last: next(),
            })
            .collect();
        let max = Held::from_js(max);
        let (flow, step) = abillity::StockFlow::start(
            service_id,
            area.view(),
            quantity.view(),
            &areas,
            max.view(),
        );
        ProfileFlowRaw::new(Machine::Stock(flow), stock_step(step))
    }

    /// The first step.
    pub fn start(&self) -> u32 {
        let first = self.first.borrow_mut().take();
        match first {
            Some(text) => wire::emit(text),
            None => self.feed(Answer::Failed),
        }
    }

    /// Feeds an answer (`kind`: 0 no, 1 yes, 2 the host failed, 3 `value`,
    /// 4 done, 5 refused with `code` and `message`); answers the next step.
    pub fn resume(&self, kind: u8, value: &JsValue, code: &str, message: &str) -> u32 {
        let value = Held::from_js(value);
        self.feed(match kind {
            0 => Answer::No,
            1 => Answer::Yes,
            3 => Answer::Value(value.view()),
            4 => Answer::Done,
            5 => Answer::Refused { code, message },
            _ => Answer::Failed,
        })
    }

    /// Feeds a card group's cards (packed records: `C US start US end` for
    /// card numbers, `S US first US last` for serials); answers the next step.
    #[wasm_bindgen(js_name = resumeCards)]
    pub fn resume_cards(&self, packed: &[u8]) -> u32 {
        let text = std::str::from_utf8(packed).unwrap_or_default();
        let held: Vec<mor::Held<'_>> = records(text)
            .map(|mut next| match (next(), next(), next()) {
                (Value::Text("S"), first, last) => mor::Held::Serials(first, last),
                (_, start, end) => mor::Held::Cards(start, end),
            })
            .collect();
        self.feed(Answer::Cards(&held))
    }

    /// Feeds what the host holds, as an index; answers the next step.
    #[wasm_bindgen(js_name = resumeHeld)]
    pub fn resume_held(&self, index: &IndexRaw) -> u32 {
        index.with_inventory(|inventory| self.feed(Answer::Held(inventory)))
    }
}
