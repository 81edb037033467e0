//! aBILLity `POST api/order/Service/{OrderServiceID}/StockNumber` (seed 004).
//!
//! Body `AreaCode` (string, 0..=11 characters, must exist) and `Quantity`
//! (1..=1000, the maximum configurable); the next free contiguous block
//! under the area code is reserved (numbers never overlap); when no block
//! is large enough a `null` range is added. Replies are the documented
//! `StockNumberView` as JSON and as XML (namespaces included, element order
//! as documented); errors are the documented `Field = message` lines.

use super::{xml_escape, Answer, Reply, Step};
use crate::error::{Field, Invalid, SeriesError};
use crate::input::Value;
use crate::inventory::{series_segments, Inventory, Piece, PoolValues, SeriesId};
use crate::json::json_string;
use crate::range::SeriesRules;

/// The documented limit per request.
pub const MAX_QUANTITY: u128 = 1000;
/// The longest area code.
pub const MAX_AREA_CODE: usize = 11;
/// The documented line for an order past the quote stage.
pub const NOT_A_QUOTE: &str = "Order.Status = Only quotes may be updated";
/// How often a block another writer saved first is looked for again.
pub const SAVE_ATTEMPTS: u32 = 8;

/// A request that passed: the area code and quantity to allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted<'a> {
    /// `AreaCode`.
    pub area_code: &'a str,
    /// `Quantity`.
    pub quantity: u128,
}

/// The documented `Field = message` line for a failure.
pub type ErrorLine = String;

/// The quantity limit a host configured (`maxQuantity`): an integer from 1
/// to [`MAX_QUANTITY`] as given, a larger one capped there; absent, zero or
/// anything else is the documented maximum. One reading for every binding.
///
/// ```
/// use seriesguard::{input::Value, profiles::abillity::{configured_max, MAX_QUANTITY}};
/// assert_eq!(configured_max(Value::Number(50.0)), 50);
/// assert_eq!(configured_max(Value::Number(5000.0)), MAX_QUANTITY);
/// assert_eq!(configured_max(Value::Number(0.0)), MAX_QUANTITY);
/// assert_eq!(configured_max(Value::Absent), MAX_QUANTITY);
/// ```
pub fn configured_max(value: Value<'_>) -> u128 {
    value
        .as_exact_u128()
        .filter(|&m| m >= 1)
        .map_or(MAX_QUANTITY, |m| m.min(MAX_QUANTITY))
}

/// Checks a body in the documented order. `known_area` is the host's
/// answer (does the area code exist); `max` is the configured quantity
/// limit. Whether the order is a quote is asked, and answered first, by
/// [`StockFlow`].
///
/// ```
/// use seriesguard::{input::Value, profiles::abillity::check};
/// let err = check(Value::Text("0161"), Value::Number(1001.0), |_| true, 1000).unwrap_err();
/// assert_eq!(err, "StockNumber.Quantity = Quantity must be between 1 and 1000.");
/// ```
pub fn check<'a>(
    area_code: Value<'a>,
    quantity: Value<'a>,
    known_area: impl Fn(&str) -> bool,
    max: u128,
) -> Result<Accepted<'a>, ErrorLine> {
    let quantity = match quantity {
        Value::Number(_) | Value::BigInt(_) => quantity.as_exact_u128(),
        _ => None,
    }
    .filter(|q| (1..=max).contains(q))
    .ok_or_else(|| format!("StockNumber.Quantity = Quantity must be between 1 and {max}."))?;
    let area_code = match area_code {
        Value::Text(code) if code.chars().count() <= MAX_AREA_CODE && known_area(code) => code,
        Value::Text(code) => {
            return Err(format!(
                "StockNumber.AreaCode = AreaCode `{code}` is not valid."
            ))
        }
        other => {
            return Err(format!(
                "StockNumber.AreaCode = AreaCode `{}` is not valid.",
                other.kind()
            ))
        }
    };
    Ok(Accepted {
        area_code,
        quantity,
    })
}

/// What the host could not do, each with its documented error line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The order service does not exist.
    ServiceNotFound,
    /// The order service could not be read (or its id is not an integer).
    ServiceUnreadable,
    /// The numbers already reserved could not be read.
    RangeUnreadable,
    /// The reserved block could not be saved.
    SaveFailed,
}

/// The documented `Field = message` line for a host failure; `service_id`
/// is the `OrderServiceID` of the request's path, as sent.
///
/// ```
/// use seriesguard::profiles::abillity::{failure, Failure};
/// assert_eq!(
///     failure(Failure::ServiceNotFound, "42"),
///     "OrderServices.OrderServiceID = OrderServiceID 42 not found"
/// );
/// ```
pub fn failure(failure: Failure, service_id: &str) -> ErrorLine {
    match failure {
        Failure::ServiceNotFound => {
            format!("OrderServices.OrderServiceID = OrderServiceID {service_id} not found")
        }
        Failure::ServiceUnreadable => format!(
            "OrderServices.OrderServiceID = Error retrieving the Order Service with ID {service_id}."
        ),
        Failure::RangeUnreadable => "StockNumber.StartRange = Error getting number range.".to_owned(),
        Failure::SaveFailed => "StockNumber.ID = Error saving numbers.".to_owned(),
    }
}

/// The `StockNumberView` of a reserved range (`None` numbers: the null range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View<'a> {
    /// `StockNumberID`
    pub id: u64,
    /// `FirstNumber`
    pub first: Option<&'a str>,
    /// `LastNumber`
    pub last: Option<&'a str>,
    /// `AreaCode`
    pub area_code: &'a str,
    /// `Quantity`
    pub quantity: u128,
}

const XML_NS: &str = "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"http://schemas.datacontract.org/2004/07/aBILLity.API.Models\"";

/// The view as the documented JSON (key order and layout of the sample).
pub fn view_json(view: &View<'_>) -> String {
    let number = |n: Option<&str>| n.map_or_else(|| "null".to_owned(), json_string);
    format!(
        "{{\n  \"StockNumberID\": {},\n  \"FirstNumber\": {},\n  \"LastNumber\": {},\n  \"AreaCode\": {},\n  \"Quantity\": {}\n}}",
        view.id,
        number(view.first),
        number(view.last),
        json_string(view.area_code),
        view.quantity
    )
}

/// The view as the documented XML (element order of the sample; a null
/// number as `i:nil`, as the data-contract serializer writes it).
pub fn view_xml(view: &View<'_>) -> String {
    let number = |name: &str, n: Option<&str>| match n {
        Some(n) => format!("  <{name}>{}</{name}>\n", xml_escape(n)),
        None => format!("  <{name} i:nil=\"true\" />\n"),
    };
    format!(
        "<StockNumberView {XML_NS}>\n  <AreaCode>{}</AreaCode>\n  <Quantity>{}</Quantity>\n{}{}  <StockNumberID>{}</StockNumberID>\n</StockNumberView>",
        xml_escape(view.area_code),
        view.quantity,
        number("FirstNumber", view.first),
        number("LastNumber", view.last),
        view.id
    )
}

/// A success reply in JSON and XML.
pub fn reply(view: &View<'_>) -> (Reply, String) {
    (
        Reply {
            status: 200,
            body: view_json(view),
        },
        view_xml(view),
    )
}

/// An error reply (400) in JSON (`{"Message": line}`, as ASP.NET Web API
/// writes errors) and XML.
pub fn error(line: &str) -> (Reply, String) {
    (
        Reply {
            status: 400,
            body: format!("{{\n  \"Message\": {}\n}}", json_string(line)),
        },
        format!(
            "<Error>\n  <Message>{}</Message>\n</Error>",
            xml_escape(line)
        ),
    )
}

/// The requests that reserve `quantity` numbers, each of at most the
/// configured maximum ([`configured_max`] of `max`): `(size, full, rest)`,
/// `full` requests of `size` then one of `rest` when it is not zero; at
/// most [`crate::inventory::MAX_CHUNKS`] requests.
///
/// ```
/// use seriesguard::{input::Value, profiles::abillity::requests};
/// assert_eq!(requests(Value::Number(2500.0), Value::Absent).unwrap(), (1000, 2, 500));
/// assert_eq!(requests(Value::Number(2500.0), Value::Number(5000.0)).unwrap(), (1000, 2, 500));
/// assert_eq!(requests(Value::Number(0.0), Value::Absent).unwrap_err().code(), "QUANTITY_OUT_OF_RANGE");
/// ```
pub fn requests(quantity: Value<'_>, max: Value<'_>) -> Result<(u64, u64, u64), SeriesError> {
    // A million requests of 1000 at most: u64 holds every quantity allowed.
    let size = configured_max(max) as u64;
    quantity
        .as_exact_u128()
        .and_then(|q| u64::try_from(q).ok())
        .filter(|&q| q >= 1 && q.div_ceil(size) <= crate::inventory::MAX_CHUNKS as u64)
        .map(|q| (size, q / size, q % size))
        .ok_or(SeriesError::Invalid {
            field: Field::Quantity,
            reason: Invalid::Rule("must be a positive integer, at most a million requests' worth"),
        })
}

/// A reply in JSON ([`Reply`]) and XML.
pub type Replied = (Reply, String);

/// An area code the host serves and its numbers, `first..=last` (the
/// numbers' width is `first`'s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area<'a> {
    /// `AreaCode`.
    pub area_code: Value<'a>,
    /// The area's first number.
    pub first: Value<'a>,
    /// The area's last number.
    pub last: Value<'a>,
}

/// A block to save: the `StockNumberView` fields, with the null range as `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// `StockNumberID`.
    pub id: u64,
    /// `AreaCode`.
    pub area_code: String,
    /// `Quantity`.
    pub quantity: u128,
    /// The numbers reserved; `None` when no block was large enough.
    pub block: Option<Piece>,
}

/// What the StockNumber flow asks the host next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Does the order service exist? Only [`Answer::No`] or the value
    /// `false` is no; [`Answer::Failed`]: it could not be read.
    ServiceFound,
    /// Is the order in the quote stage? Only [`Answer::No`] or `false` is no.
    IsQuote,
    /// A new `StockNumberID` ([`Answer::Value`]).
    StockNumberId,
    /// The blocks already reserved under the area code ([`Answer::Held`]);
    /// `attempt` counts from 0, one more each time a save lost a race.
    Reserved {
        /// The area code.
        area_code: String,
        /// Which look this is.
        attempt: u32,
    },
    /// Save the reservation ([`Answer::Done`]; [`Answer::Refused`] with
    /// `OVERLAP` when another writer saved an overlapping block first).
    Save(Reservation),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Found,
    Quote,
    Id,
    Reserved,
    Save,
    Over,
}

/// `POST api/order/Service/{OrderServiceID}/StockNumber` as a step machine:
/// the service looked up, the body checked, an id taken, the next free
/// block found among the host's reservations and saved (looked for again
/// when another writer was first, up to [`SAVE_ATTEMPTS`] times), and the
/// documented reply for every outcome.
///
/// ```
/// use seriesguard::{input::Value, inventory::Inventory};
/// use seriesguard::profiles::{Answer, Step, abillity::{Area, Need, StockFlow}};
/// let areas = [Area { area_code: Value::Text("0161"), first: Value::Text("01615550000"), last: Value::Text("01615550999") }];
/// let (mut flow, step) = StockFlow::start("42", Value::Text("0161"), Value::Number(600.0), &areas, Value::Absent);
/// assert_eq!(step, Step::Need(Need::ServiceFound));
/// flow.resume(Answer::Yes);
/// assert_eq!(flow.resume(Answer::Yes), Step::Need(Need::StockNumberId));
/// flow.resume(Answer::Value(Value::Number(7.0)));
/// let Step::Need(Need::Save(r)) = flow.resume(Answer::Held(&Inventory::new(false))) else { panic!() };
/// assert_eq!(r.block.unwrap().end, "01615550599");
/// let Step::Reply((reply, _xml)) = flow.resume(Answer::Done) else { panic!() };
/// assert!(reply.body.contains("\"StockNumberID\": 7"));
/// ```
#[derive(Debug, Clone)]
pub struct StockFlow {
    service_id: String,
    body: Result<(String, u128), ErrorLine>,
    area: (String, String),
    reservation: Reservation,
    attempt: u32,
    phase: Phase,
}

impl StockFlow {
    /// A request for `service_id` (the path's `OrderServiceID`, as sent)
    /// with the body's `AreaCode` and `Quantity`, over the host's areas and
    /// its configured maximum ([`configured_max`]).
    pub fn start(
        service_id: &str,
        area_code: Value<'_>,
        quantity: Value<'_>,
        areas: &[Area<'_>],
        max: Value<'_>,
    ) -> (StockFlow, Step<Need, Replied>) {
        let found = |code: &str| {
            areas
                .iter()
                .find(|a| a.area_code == Value::Text(code))
                .map(|a| (text_of(a.first), text_of(a.last)))
        };
        let checked = check(
            area_code,
            quantity,
            |c| found(c).is_some(),
            configured_max(max),
        );
        let area = checked
            .as_ref()
            .ok()
            .and_then(|a| found(a.area_code))
            .unwrap_or_default();
        let flow = StockFlow {
            service_id: service_id.to_owned(),
            body: checked.map(|a| (a.area_code.to_owned(), a.quantity)),
            area,
            reservation: Reservation {
                id: 0,
                area_code: String::new(),
                quantity: 0,
                block: None,
            },
            attempt: 0,
            phase: Phase::Found,
        };
        (flow, Step::Need(Need::ServiceFound))
    }

    /// Feeds the host's answer to the last step; answers the next.
    pub fn resume(&mut self, answer: Answer<'_>) -> Step<Need, Replied> {
        let step = self.next(answer);
        if matches!(step, Step::Reply(_)) {
            self.phase = Phase::Over;
        }
        step
    }

    fn next(&mut self, answer: Answer<'_>) -> Step<Need, Replied> {
        let failed = |kind| Step::Reply(error(&failure(kind, &self.service_id)));
        match (self.phase, answer) {
            // Only a definite no (`false`) is no: a host that does not say is yes.
            (Phase::Found | Phase::Quote, Answer::Failed) => failed(Failure::ServiceUnreadable),
            (Phase::Found, Answer::No | Answer::Value(Value::Bool(false))) => {
                failed(Failure::ServiceNotFound)
            }
            (Phase::Found, _) => self.ask(Phase::Quote, Need::IsQuote),
            (Phase::Quote, Answer::No | Answer::Value(Value::Bool(false))) => {
                Step::Reply(error(NOT_A_QUOTE))
            }
            (Phase::Quote, _) => match &self.body {
                Err(line) => Step::Reply(error(line)),
                Ok(_) => self.ask(Phase::Id, Need::StockNumberId),
            },
            (Phase::Id, Answer::Value(v)) => {
                match v.as_exact_u128().and_then(|n| u64::try_from(n).ok()) {
                    Some(id) => {
                        self.reservation.id = id;
                        self.look()
                    }
                    None => failed(Failure::SaveFailed),
                }
            }
            (Phase::Reserved, Answer::Held(index)) => {
                let (area_code, quantity) = match &self.body {
                    Ok((a, q)) => (a.clone(), *q),
                    Err(_) => return failed(Failure::RangeUnreadable),
                };
                let width = self.area.0.chars().count().to_string();
                let pool = PoolValues {
                    width: Value::Text(&width),
                    first: Value::Text(&self.area.0),
                    last: Value::Text(&self.area.1),
                    scope: Value::Text(&area_code),
                    ..PoolValues::default()
                };
                match index.free_block(&pool, Value::BigInt(Some(quantity))) {
                    Ok(block) => {
                        self.reservation.area_code = area_code;
                        self.reservation.quantity = quantity;
                        self.reservation.block = block;
                        self.ask(Phase::Save, Need::Save(self.reservation.clone()))
                    }
                    Err(_) => failed(Failure::RangeUnreadable),
                }
            }
            (Phase::Reserved, _) => failed(Failure::RangeUnreadable),
            (Phase::Save, Answer::Done) => {
                let r = &self.reservation;
                Step::Reply(reply(&View {
                    id: r.id,
                    first: r.block.as_ref().map(|b| b.start.as_str()),
                    last: r.block.as_ref().map(|b| b.end.as_str()),
                    area_code: &r.area_code,
                    quantity: r.quantity,
                }))
            }
            (
                Phase::Save,
                Answer::Refused {
                    code: "OVERLAP", ..
                },
            ) if self.reservation.block.is_some() && self.attempt + 1 < SAVE_ATTEMPTS => {
                self.attempt += 1;
                self.look()
            }
            (Phase::Id | Phase::Save | Phase::Over, _) => failed(Failure::SaveFailed),
        }
    }

    fn ask(&mut self, phase: Phase, need: Need) -> Step<Need, Replied> {
        self.phase = phase;
        Step::Need(need)
    }

    fn look(&mut self) -> Step<Need, Replied> {
        let area_code = self.body.as_ref().map(|b| b.0.clone()).unwrap_or_default();
        let attempt = self.attempt;
        self.ask(Phase::Reserved, Need::Reserved { area_code, attempt })
    }
}

/// A host's reservations under an area code, as `(first, last)` number
/// pairs, as the index [`Need::Reserved`] is answered with (`None`: they
/// are not blocks of numbers, or they overlap).
pub fn reservations<'a>(
    area_code: &str,
    blocks: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<Inventory> {
    let mut index = Inventory::new(false);
    for (i, (first, last)) in blocks.into_iter().enumerate() {
        let segments = series_segments(
            Value::Text(first),
            Value::Text(last),
            Value::Text(area_code),
            &SeriesRules::default(),
        )
        .ok()?;
        index
            .insert(&SeriesId::Number(u32::try_from(i).ok()?), &segments)
            .ok()?;
    }
    Some(index)
}

/// A pool bound as text: a string as given, an integer in decimal.
fn text_of(v: Value<'_>) -> String {
    match v {
        Value::Text(t) => t.to_owned(),
        other => other
            .as_exact_u128()
            .map(|n| n.to_string())
            .unwrap_or_default(),
    }
}
