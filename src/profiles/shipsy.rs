//! Shipsy virtual series: `POST /api/client/integration/virtualseries/create`
//! (seeds 000, 001).
//!
//! Body fields `client_code`, `type` (`physical`|`virtual`, default
//! `virtual`), `start`, `end`, `item_code`, `hub_code`, `creator_hub`, all
//! strings; client_code or hub_code required (client_code wins when both
//! are given); `Authorization: Basic <API KEY>`. Replies as documented:
//! `200 {"status":"OK"}`, the `400 CLIENT_HUB_CODE_NOT_PRESENT` body and the
//! `401 NO_API_KEY` body, byte for byte. Other 400s (not spelled out by the
//! document) use the same shape with `code: "WRONG_INPUT"` and our stable
//! reason codes. The whole request is rejected on any error.

use super::{Answer, Reply, Step};
use crate::error::{Definition, Field, Invalid, SeriesError};

/// Neither a client code nor a hub code was given: the document's sentence.
pub const CLIENT_HUB_CODE_NOT_PRESENT: Definition = Definition {
    code: "CLIENT_HUB_CODE_NOT_PRESENT",
    field: Field::Scope,
    message: "Either client code or hubCode should be present",
};
use crate::input::Value;
use crate::json::json_string;
use crate::range::SeriesRules;
use crate::scope::{self, Namespace};
use crate::signing::SeriesType;

/// The body's fields as the host received them.
#[derive(Debug, Clone, Copy)]
pub struct Body<'a> {
    /// `client_code`
    pub client_code: Value<'a>,
    /// `type`
    pub kind: Value<'a>,
    /// `start`
    pub start: Value<'a>,
    /// `end`
    pub end: Value<'a>,
    /// `item_code`
    pub item_code: Value<'a>,
    /// `hub_code`
    pub hub_code: Value<'a>,
    /// `creator_hub`
    pub creator_hub: Value<'a>,
}

/// A request that passed every check but the host's: its API key is still
/// to be verified and the series to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted<'a> {
    /// The API key from `Authorization: Basic <key>`.
    pub api_key: &'a str,
    /// The customer as a scope ([`customer`]): `client:CODE`, or
    /// `hub:CODE` when there is no client_code.
    pub scope: String,
    /// `start`, in its canonical spelling.
    pub start: std::borrow::Cow<'a, str>,
    /// `end`, in its canonical spelling.
    pub end: std::borrow::Cow<'a, str>,
    /// `item_code`, trimmed.
    pub item_code: &'a str,
    /// `type`, defaulted.
    pub kind: SeriesType,
}

/// `200 {"status":"OK"}`.
pub fn ok() -> Reply {
    Reply {
        status: 200,
        body: "{\"status\":\"OK\"}".to_owned(),
    }
}

/// `401`: no API key (the documented body).
pub fn no_api_key() -> Reply {
    unauthorized("API key should be present", "NO_API_KEY")
}

/// `401`: the host did not accept the API key (same shape; reason ours).
pub fn invalid_api_key() -> Reply {
    unauthorized("API key is not valid", "INVALID_API_KEY")
}

fn unauthorized(message: &str, reason: &str) -> Reply {
    Reply {
        status: 401,
        body: format!(
            "{{\"error\":{{\"message\":{},\"statusCode\":401,\"reason\":\"{reason}\"}}}}",
            json_string(message)
        ),
    }
}

/// `400 WRONG_INPUT` for an error of the request (or `500` when the store
/// failed), in the documented shape.
pub fn error(issue: &SeriesError) -> Reply {
    error_parts(issue.code(), &issue.to_string())
}

/// [`error`] from an error's code and message (as a JS `SeriesError` carries them).
pub fn error_parts(reason: &str, message: &str) -> Reply {
    let (status, code) = match reason {
        "STORE_FAILED" => (500, ""),
        _ => (400, ",\"code\":\"WRONG_INPUT\""),
    };
    let reason: String = reason
        .chars()
        .filter(|c| c.is_ascii_uppercase() || *c == '_')
        .collect();
    Reply {
        status,
        body: format!(
            "{{\"error\":{{\"message\":{},\"statusCode\":{status},\"reason\":\"{reason}\"{code}}}}}",
            json_string(message)
        ),
    }
}

/// `500 STORE_FAILED`: what the host was asked (`API key check`,
/// `create`) failed.
pub fn host_failed(what: &str) -> Reply {
    error_parts("STORE_FAILED", &format!("the host's {what} failed"))
}

fn text<'a>(value: Value<'a>, field: Field) -> Result<Option<&'a str>, SeriesError> {
    match value {
        Value::Absent => Ok(None),
        Value::Text(t) if t.trim().is_empty() => Ok(None),
        Value::Text(t) => crate::input::stored_text(t.trim(), field).map(Some),
        other => Err(SeriesError::Invalid {
            field,
            reason: Invalid::NotText(other.kind()),
        }),
    }
}

/// The customer a series belongs to, as its scope: `client_code`, or
/// `hub_code` when there is no client code ("If both are passed, priority
/// is given to client_code"), normalized and namespaced by
/// [`crate::scope::code`] (`client:SL1981`, `hub:BF074`); `None` when
/// neither is given.
pub fn customer(body: &Body<'_>) -> Result<Option<String>, SeriesError> {
    let client = scope::code(body.client_code, Namespace::Client)?;
    let hub = scope::code(body.hub_code, Namespace::Hub)?;
    Ok(client.or(hub))
}

/// Checks a request in the document's field order. The first failure is the
/// reply (Shipsy answers one error); success hands the host what to verify
/// and create.
///
/// ```
/// use seriesguard::{input::Value, profiles::shipsy::{check, Body}, range::SeriesRules};
/// let body = Body {
///     client_code: Value::Absent, kind: Value::Absent, start: Value::Text("V10000071"),
///     end: Value::Text("V10000080"), item_code: Value::Text("P7WJEJANkt"),
///     hub_code: Value::Absent, creator_hub: Value::Absent,
/// };
/// let reply = check(Value::Text("Basic k"), &body, &SeriesRules::default()).unwrap_err();
/// assert_eq!(reply.body, r#"{"error":{"message":"Either client code or hubCode should be present","statusCode":400,"reason":"CLIENT_HUB_CODE_NOT_PRESENT","code":"WRONG_INPUT"}}"#);
/// ```
pub fn check<'a>(
    authorization: Value<'a>,
    body: &Body<'a>,
    rules: &SeriesRules,
) -> Result<Accepted<'a>, Reply> {
    let api_key = match authorization {
        Value::Text(header) => {
            let header = header.trim();
            let (scheme, key) = header.split_once(' ').unwrap_or((header, ""));
            let key = key.trim();
            if !scheme.eq_ignore_ascii_case("basic") || key.is_empty() {
                return Err(no_api_key());
            }
            key
        }
        _ => return Err(no_api_key()),
    };
    let fail = |issue: SeriesError| error(&issue);
    let Some(scope) = customer(body).map_err(fail)? else {
        return Err(error(&SeriesError::Defined(&CLIENT_HUB_CODE_NOT_PRESENT)));
    };
    let kind = SeriesType::from_value(body.kind).map_err(fail)?;
    let validation = crate::range::validate(body.start, body.end, rules);
    if let Some(issue) = validation.issues.into_iter().next() {
        return Err(fail(issue));
    }
    let range = validation.range.ok_or_else(|| {
        fail(SeriesError::Required {
            field: Field::Start,
        })
    })?;
    let item_code = text(body.item_code, Field::ItemCode)
        .map_err(fail)?
        .ok_or_else(|| {
            fail(SeriesError::Required {
                field: Field::ItemCode,
            })
        })?;
    text(body.creator_hub, Field::Scope).map_err(fail)?;
    Ok(Accepted {
        api_key,
        scope,
        start: range.start_text(),
        end: range.end_text(),
        item_code,
        kind,
    })
}

/// Every issue of a dashboard entry at once, in the form's field order
/// (customer, type, service types, start, end, the pair, item code), with
/// the range whenever start and end form one: what the Virtual Series
/// Allotment form shows as the user types. `service_types` is how many
/// were picked (`None`: the field is not on this form); the dashboard
/// requires at least one.
pub fn form_issues<'a>(
    body: &Body<'a>,
    service_types: Option<Result<usize, &'static str>>,
    rules: &SeriesRules,
) -> crate::range::Validation<'a> {
    let mut issues = Vec::new();
    match customer(body) {
        Ok(Some(_)) => {}
        Ok(None) => issues.push(SeriesError::Defined(&CLIENT_HUB_CODE_NOT_PRESENT)),
        Err(e) => issues.push(e),
    }
    if let Err(e) = SeriesType::from_value(body.kind) {
        issues.push(e);
    }
    match service_types {
        Some(Ok(0)) => issues.push(SeriesError::Required {
            field: Field::ServiceTypes,
        }),
        Some(Err(kind)) => issues.push(SeriesError::Invalid {
            field: Field::ServiceTypes,
            reason: Invalid::NotText(kind),
        }),
        _ => {}
    }
    let validation = crate::range::validate(body.start, body.end, rules);
    issues.extend(validation.issues);
    match text(body.item_code, Field::ItemCode) {
        Ok(Some(_)) => {}
        Ok(None) => issues.push(SeriesError::Required {
            field: Field::ItemCode,
        }),
        Err(e) => issues.push(e),
    }
    crate::range::Validation {
        range: validation.range,
        issues,
    }
}

/// The series an accepted request creates, owned by its flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The customer's scope (`client:CODE` or `hub:CODE`).
    pub scope: String,
    /// `start`, canonical.
    pub start: String,
    /// `end`, canonical.
    pub end: String,
    /// `item_code`, trimmed.
    pub item_code: String,
    /// `type`, defaulted.
    pub kind: SeriesType,
}

impl Series {
    /// The book request that creates this series (its id: the default).
    pub fn request(&self) -> crate::book::Request<'_> {
        crate::book::Request {
            id: Value::Absent,
            start: Value::Text(&self.start),
            end: Value::Text(&self.end),
            scope: Value::Text(&self.scope),
            item_code: Value::Text(&self.item_code),
            kind: Value::Text(self.kind.name()),
        }
    }
}

/// What Shipsy's create asks the host next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Whether this API key is valid: [`Answer::Yes`] or the value `true`;
    /// anything else is no, and [`Answer::Failed`] means the check failed.
    KeyValid(String),
    /// Create this series through the host's book: [`Answer::Done`], or
    /// [`Answer::Refused`] with the book's error.
    Create(Series),
}

/// Where a create is: waiting for the key check (with the series to
/// create once it passes), for the book, or over.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Key(Series),
    Create,
    Over,
}

/// `POST .../virtualseries/create` as a step machine: the request checked,
/// the key checked by the host, the series created through the host's
/// book, and Shipsy's exact reply for each outcome.
///
/// ```
/// use seriesguard::{input::Value, range::SeriesRules};
/// use seriesguard::profiles::{Answer, Step, shipsy::{Body, CreateFlow, Need}};
/// let body = Body {
///     client_code: Value::Text("sl1981"), kind: Value::Absent, start: Value::Text("V10000071"),
///     end: Value::Text("V10000080"), item_code: Value::Text("P7WJEJANkt"),
///     hub_code: Value::Absent, creator_hub: Value::Absent,
/// };
/// let (mut flow, step) = CreateFlow::start(Value::Text("Basic k"), &body, &SeriesRules::default());
/// assert_eq!(step, Step::Need(Need::KeyValid("k".into())));
/// let Step::Need(Need::Create(series)) = flow.resume(Answer::Yes) else { panic!() };
/// assert_eq!((series.scope.as_str(), series.start.as_str()), ("client:SL1981", "V10000071"));
/// let Step::Reply(reply) = flow.resume(Answer::Done) else { panic!() };
/// assert_eq!(reply.body, r#"{"status":"OK"}"#);
/// ```
#[derive(Debug, Clone)]
pub struct CreateFlow {
    phase: Phase,
}

impl CreateFlow {
    /// Checks the request; its first step is the key check, or the reply.
    pub fn start(
        authorization: Value<'_>,
        body: &Body<'_>,
        rules: &SeriesRules,
    ) -> (CreateFlow, Step<Need, Reply>) {
        match check(authorization, body, rules) {
            Ok(a) => {
                let series = Series {
                    scope: a.scope,
                    start: a.start.into_owned(),
                    end: a.end.into_owned(),
                    item_code: a.item_code.to_owned(),
                    kind: a.kind,
                };
                let key = Need::KeyValid(a.api_key.to_owned());
                (
                    CreateFlow {
                        phase: Phase::Key(series),
                    },
                    Step::Need(key),
                )
            }
            Err(reply) => (CreateFlow { phase: Phase::Over }, Step::Reply(reply)),
        }
    }

    /// Feeds the host's answer to the last step; answers the next.
    pub fn resume(&mut self, answer: Answer<'_>) -> Step<Need, Reply> {
        let reply = match (std::mem::replace(&mut self.phase, Phase::Over), answer) {
            // Valid only when the host says so: `true`, nothing else.
            (Phase::Key(series), Answer::Yes | Answer::Value(Value::Bool(true))) => {
                self.phase = Phase::Create;
                return Step::Need(Need::Create(series));
            }
            (Phase::Key(_), Answer::Failed) => host_failed("API key check"),
            (Phase::Key(_), _) => invalid_api_key(),
            (Phase::Create, Answer::Done) => ok(),
            (Phase::Create, Answer::Refused { code, message }) => error_parts(code, message),
            (Phase::Create, _) => host_failed("create"),
            (Phase::Over, _) => error(&crate::flow::finished()),
        };
        Step::Reply(reply)
    }
}
