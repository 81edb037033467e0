//! aBILLity `POST api/order/Service/{OrderServiceID}/StockNumber` (seed 004).
//!
//! Body `AreaCode` (string, 0..=11 characters, must exist) and `Quantity`
//! (1..=1000, the maximum configurable); the next free contiguous block
//! under the area code is reserved (numbers never overlap); when no block
//! is large enough a `null` range is added. Replies are the documented
//! `StockNumberView` as JSON and as XML (namespaces included, element order
//! as documented); errors are the documented `Field = message` lines.

use super::{xml_escape, Reply};
use crate::input::Value;
use crate::json::json_string;

/// The documented limit per request.
pub const MAX_QUANTITY: u128 = 1000;
/// The longest area code.
pub const MAX_AREA_CODE: usize = 11;

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

/// Checks a body in the documented order. `is_quote` and `known_area` are
/// the host's answers (is the order in the quote stage; does the area code
/// exist); `max` is the configured quantity limit.
///
/// ```
/// use seriesguard::{input::Value, profiles::abillity::check};
/// let err = check(Value::Text("0161"), Value::Number(1001.0), true, |_| true, 1000).unwrap_err();
/// assert_eq!(err, "StockNumber.Quantity = Quantity must be between 1 and 1000.");
/// ```
pub fn check<'a>(
    area_code: Value<'a>,
    quantity: Value<'a>,
    is_quote: bool,
    known_area: impl Fn(&str) -> bool,
    max: u128,
) -> Result<Accepted<'a>, ErrorLine> {
    if !is_quote {
        return Err("Order.Status = Only quotes may be updated".to_owned());
    }
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
