//! Kolmisoft MOR `calling_cards_create` (seed 003).
//!
//! Parameters `u`, `card_group_id`, `cards_from`, `cards_till`, `hash`
//! (SHA-1 of `card_group_id‖cards_from‖cards_till‖API_Secret_Key`), and the
//! optional `batch_number`, `min_balance`, `distributor_id`, `language`,
//! whose invalid values fall back to defaults silently, as documented.
//! Errors in the documented order and words, as the documented XML; success
//! is `Cards created: n/m`, where cards that already exist are skipped.
//! The card group (id, number length, PIN length) and whether the user may
//! act are the host's answers.

use super::{Answer, Step};
use crate::error::SeriesError;
use crate::input::Value;
use crate::range::{validate, SeriesRange, SeriesRules};
use crate::signing::verify_mor_hash;

/// The request's parameters as the host received them (query or form).
#[derive(Debug, Clone, Copy)]
pub struct Params<'a> {
    /// `u`
    pub u: Value<'a>,
    /// `card_group_id`
    pub card_group_id: Value<'a>,
    /// `cards_from`
    pub cards_from: Value<'a>,
    /// `cards_till`
    pub cards_till: Value<'a>,
    /// `hash`
    pub hash: Value<'a>,
    /// `batch_number`
    pub batch_number: Value<'a>,
    /// `min_balance`
    pub min_balance: Value<'a>,
    /// `distributor_id`
    pub distributor_id: Value<'a>,
    /// `language`
    pub language: Value<'a>,
}

impl<'a> Params<'a> {
    /// The parameter names, in the order of [`Params::from_array`].
    pub const NAMES: [&'static str; 9] = [
        "u",
        "card_group_id",
        "cards_from",
        "cards_till",
        "hash",
        "batch_number",
        "min_balance",
        "distributor_id",
        "language",
    ];

    /// The parameters in the order of [`Params::NAMES`].
    pub fn from_array(values: [Value<'a>; 9]) -> Params<'a> {
        let [u, card_group_id, cards_from, cards_till, hash, batch_number, min_balance, distributor_id, language] =
            values;
        Params {
            u,
            card_group_id,
            cards_from,
            cards_till,
            hash,
            batch_number,
            min_balance,
            distributor_id,
            language,
        }
    }

    /// The parameters read by name (`get` answers [`Value::Absent`] for one
    /// the request lacks).
    pub fn read(get: impl FnMut(&str) -> Value<'a>) -> Params<'a> {
        Params::from_array(Params::NAMES.map(get))
    }
}

/// Whether a MOR user role may use the API: admins, resellers and
/// accountants may; a simple user (or no user) gets `Access Denied`.
///
/// ```
/// use seriesguard::profiles::mor::role_allowed;
/// assert!(role_allowed("reseller") && !role_allowed("user") && !role_allowed(""));
/// ```
pub fn role_allowed(role: &str) -> bool {
    matches!(role, "admin" | "reseller" | "accountant")
}

/// The scope a card group's cards are stored under (`card_group:7`): one
/// pool per group, whatever other series share the store.
pub fn scope(group_id: &str) -> String {
    format!("card_group:{group_id}")
}

/// A host's yes-or-no fact (`userAllowed`, `canManageCards`): `true`, or
/// not given; anything else is no.
pub fn fact(value: Value<'_>) -> bool {
    matches!(value, Value::Bool(true) | Value::Absent)
}

/// Whether the user may use the API: their MOR `role` judged by
/// [`role_allowed`] when the host gives one, else the host's own decision
/// ([`fact`] of `user_allowed`).
pub fn user_allowed(role: Value<'_>, user_allowed: Value<'_>) -> bool {
    match role {
        Value::Text(role) => role_allowed(role),
        Value::Absent => fact(user_allowed),
        _ => false,
    }
}

/// A card group as the host gave it: its number length must be 1 to 38
/// digits (else there is no such group); a PIN length that is no u32 is
/// none.
pub fn group<'a>(
    id: &'a str,
    number_length: Value<'_>,
    pin_length: Value<'_>,
) -> Option<Group<'a>> {
    let number_length = number_length
        .as_exact_u128()
        .filter(|n| (1..=38).contains(n))?;
    Some(Group {
        id,
        number_length: number_length as usize,
        pin_length: pin_length
            .as_exact_u128()
            .and_then(|n| u32::try_from(n).ok()),
    })
}

/// What the host knows: its secret, the user's rights, the card group.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// The API secret key.
    pub secret: &'a str,
    /// The user is an admin, reseller or accountant (else `Access Denied`).
    pub user_allowed: bool,
    /// The user may manage calling cards.
    pub can_manage_cards: bool,
    /// The card group named by the request, if it exists.
    pub group: Option<Group<'a>>,
}

/// A card group, as the host stores it.
#[derive(Debug, Clone, Copy)]
pub struct Group<'a> {
    /// Its id, as `card_group_id` carries it.
    pub id: &'a str,
    /// Every card number has exactly this many digits.
    pub number_length: usize,
    /// PIN length, when the group has PINs: 10^pin_length PINs at most.
    pub pin_length: Option<u32>,
}

/// The optional parameters after MOR's silent defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `batch_number` (any text without control characters), or empty.
    pub batch_number: String,
    /// `min_balance` as a non-negative decimal, or `"0"`.
    pub min_balance: String,
    /// `distributor_id` as a positive integer, or empty.
    pub distributor_id: String,
    /// `language` as two lowercase letters, or `"en"`.
    pub language: String,
}

/// A request that passed: the cards to create and the options.
#[derive(Debug, Clone)]
pub struct Accepted<'a> {
    /// The card numbers, `cards_from..cards_till`.
    pub range: SeriesRange<'a>,
    /// The options after defaults.
    pub options: Options,
}

/// The documented error texts, in the documented order.
pub mod errors {
    /// User is not authorized or is a Simple User.
    pub const ACCESS_DENIED: &str = "Access Denied";
    /// The hash does not match.
    pub const INCORRECT_HASH: &str = "Incorrect hash";
    /// User has no permission to manage calling cards.
    pub const NOT_AUTHORIZED: &str = "You are not authorized to use this functionality";
    /// The card group does not exist or `card_group_id` is missing.
    pub const GROUP_NOT_FOUND: &str = "Card Group was not found";
    /// `cards_from` is missing.
    pub const FROM_NOT_FOUND: &str = "Cards from was not found";
    /// `cards_till` is missing.
    pub const TILL_NOT_FOUND: &str = "Cards till was not found";
    /// `cards_from` is not numeric or not the group's number length.
    pub const FROM_FORMAT: &str = "Cards from is in incorrect format";
    /// `cards_till` is not numeric or not the group's number length.
    pub const TILL_FORMAT: &str = "Cards till is in incorrect format";
    /// `cards_from` > `cards_till`.
    pub const FROM_AFTER_TILL: &str = "Cards from must not be greater than Cards till";
    /// The group's PIN space cannot cover the cards.
    pub const PIN_TOO_SHORT: &str = "PIN is too short for this interval";
}

fn present<'a>(value: Value<'a>) -> Option<&'a str> {
    match value {
        Value::Text(t) if !t.trim().is_empty() => Some(t.trim()),
        _ => None,
    }
}

/// Text for the hash: the parameter as sent, or nothing when absent.
fn hashed<'a>(value: Value<'a>) -> &'a str {
    match value {
        Value::Text(t) => t,
        _ => "",
    }
}

fn options(params: &Params<'_>) -> Options {
    let decimal = |t: &str| {
        let (int, frac) = t.split_once('.').unwrap_or((t, "0"));
        !int.is_empty()
            && !frac.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    };
    Options {
        batch_number: present(params.batch_number)
            .filter(|t| !t.chars().any(char::is_control))
            .unwrap_or_default()
            .to_owned(),
        min_balance: present(params.min_balance)
            .filter(|t| decimal(t))
            .unwrap_or("0")
            .to_owned(),
        distributor_id: present(params.distributor_id)
            .filter(|t| t.bytes().all(|b| b.is_ascii_digit()) && t.len() <= 18)
            .unwrap_or_default()
            .to_owned(),
        language: present(params.language)
            .filter(|t| t.len() == 2 && t.bytes().all(|b| b.is_ascii_lowercase()))
            .unwrap_or("en")
            .to_owned(),
    }
}

/// Checks a request in the documented order; the first failure is the
/// reply's error text.
pub fn check<'a>(params: &Params<'a>, facts: &Facts<'_>) -> Result<Accepted<'a>, &'static str> {
    if present(params.u).is_none() || !facts.user_allowed {
        return Err(errors::ACCESS_DENIED);
    }
    let signed = [
        hashed(params.card_group_id),
        hashed(params.cards_from),
        hashed(params.cards_till),
    ];
    let hash = present(params.hash).unwrap_or_default();
    if !verify_mor_hash(&signed, facts.secret, hash).unwrap_or(false) {
        return Err(errors::INCORRECT_HASH);
    }
    if !facts.can_manage_cards {
        return Err(errors::NOT_AUTHORIZED);
    }
    let group = match (present(params.card_group_id), facts.group) {
        (Some(id), Some(group)) if id == group.id => group,
        _ => return Err(errors::GROUP_NOT_FOUND),
    };
    let from = present(params.cards_from).ok_or(errors::FROM_NOT_FOUND)?;
    let till = present(params.cards_till).ok_or(errors::TILL_NOT_FOUND)?;
    let rules = SeriesRules {
        width: Some(group.number_length),
        numeric_only: true,
        ..SeriesRules::default()
    };
    let mut issues = Vec::new();
    if crate::range::read(
        Value::Text(from),
        crate::error::Field::Start,
        &rules,
        &mut issues,
    )
    .is_none()
        || !issues.is_empty()
    {
        return Err(errors::FROM_FORMAT);
    }
    if crate::range::read(
        Value::Text(till),
        crate::error::Field::End,
        &rules,
        &mut issues,
    )
    .is_none()
        || !issues.is_empty()
    {
        return Err(errors::TILL_FORMAT);
    }
    let validation = validate(Value::Text(from), Value::Text(till), &rules);
    let range = validation.range.ok_or(errors::FROM_AFTER_TILL)?;
    if let Some(pins) = group.pin_length {
        let space = 10u128.checked_pow(pins).unwrap_or(u128::MAX);
        if space < range.count().0 {
            return Err(errors::PIN_TOO_SHORT);
        }
    }
    Ok(Accepted {
        range,
        options: options(params),
    })
}

/// The cards a group already holds, as its host gives them: identifiers
/// (`start`, `end`) or serials (`first`, `last`, as a store's rows carry
/// them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Held<'a> {
    /// Card numbers as written.
    Cards(Value<'a>, Value<'a>),
    /// Serials (the numbers' values).
    Serials(Value<'a>, Value<'a>),
}

/// What an accepted request creates around the group's existing cards:
/// the plan (only the free part is created) and MOR's success page
/// (`Cards created: created/requested`). `from`/`till` are the accepted
/// request's cards; `number_length` the group's. Existing cards outside
/// the group's shape, or overlapping one another, are the host's error.
///
/// ```
/// use seriesguard::{input::Value, profiles::mor::{plan_cards, Held}};
/// let existing = [Held::Serials(Value::Text("1000000030"), Value::Text("1000000040"))];
/// let (xml, plan) = plan_cards("1000000025", "1000000035", 10, existing).unwrap();
/// assert_eq!((plan.created, plan.requested), (5, 11));
/// assert!(xml.contains("Cards created: 5/11"));
/// ```
pub fn plan_cards<'a>(
    from: &str,
    till: &str,
    number_length: usize,
    existing: impl IntoIterator<Item = Held<'a>>,
) -> Result<(String, crate::inventory::Plan), Vec<SeriesError>> {
    use crate::inventory::{series_segments, Plan, SeriesId};
    let rules = SeriesRules {
        width: Some(number_length),
        numeric_only: true,
        ..SeriesRules::default()
    };
    // Cards of one fixed width: the request is one segment.
    let request = series_segments(Value::Text(from), Value::Text(till), Value::Absent, &rules)?;
    let Some(segment) = request.first() else {
        return Err(vec![crate::book::bad_rows()]);
    };
    // The host's cards inside the request, clipped, in order; ids by position.
    let mut taken = Vec::new();
    for (i, held) in existing.into_iter().enumerate() {
        let (a, b) = match held {
            Held::Cards(start, end) => {
                let v = validate(start, end, &rules);
                match v.range {
                    Some(r) if v.issues.is_empty() => (r.start().body(), r.end().body()),
                    _ => return Err(v.issues),
                }
            }
            Held::Serials(first, last) => match (first.as_exact_u128(), last.as_exact_u128()) {
                (Some(a), Some(b)) if a <= b => (a, b),
                _ => return Err(vec![crate::book::bad_rows()]),
            },
        };
        let (a, b) = (a.max(segment.first), b.min(segment.last));
        if a <= b {
            let id = u32::try_from(i).map_or(0, |i| i % crate::inventory::MAX_NUMERIC_ID);
            taken.push((a, b, SeriesId::Number(id)));
        }
    }
    crate::book::sort_spans(&mut taken);
    // Cards held twice are the host's error, not a plan.
    if taken.windows(2).any(|w| matches!(w, [x, y] if y.0 <= x.1)) {
        return Err(vec![crate::book::bad_rows()]);
    }
    let mut plan = Plan::default();
    plan.add_segment(segment, &taken);
    Ok((success_xml(plan.created, plan.requested), plan))
}

/// What MOR's create asks the host next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// The cards the group already holds in `from..till` (stored under
    /// `scope`): [`Answer::Cards`], or [`Answer::Failed`].
    Existing {
        /// The first card asked for, canonical.
        from: String,
        /// The last card asked for, canonical.
        till: String,
        /// Where the group's cards are stored ([`scope`]).
        scope: String,
    },
}

/// What an accepted request creates: the range, where, the plan (only the
/// free part) and the options after MOR's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Create {
    /// `cards_from`, canonical.
    pub from: String,
    /// `cards_till`, canonical.
    pub till: String,
    /// Where the group's cards are stored.
    pub scope: String,
    /// The free part to create and the cards skipped.
    pub plan: crate::inventory::Plan,
    /// The optional parameters after defaults.
    pub options: Options,
}

/// MOR's page, and what to create when the request was accepted (`None`:
/// the page is a documented error, its text beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The XML page MOR answers.
    pub xml: String,
    /// The error's text, when the page is an error.
    pub error: Option<&'static str>,
    /// What to create, when accepted.
    pub create: Option<Create>,
}

/// `calling_cards_create` as a step machine: the request checked in the
/// documented order, the group's existing cards asked of the host, the free
/// part planned, and MOR's page. A host that cannot answer, or answers
/// cards that do not fit the group, ends it with the issues.
///
/// ```
/// use seriesguard::input::Value;
/// use seriesguard::profiles::{Answer, Step, mor::{CardsFlow, Facts, Group, Held, Need, Params}};
/// let params = Params::read(|name| match name {
///     "u" => Value::Text("admin"), "card_group_id" => Value::Text("1"),
///     "cards_from" => Value::Text("1000000025"), "cards_till" => Value::Text("1000000035"),
///     "hash" => Value::Text("7e112ededcfee097cce21b6201c6d2a00dda1f4c"), _ => Value::Absent,
/// });
/// let group = Group { id: "1", number_length: 10, pin_length: None };
/// let facts = Facts { secret: "secret", user_allowed: true, can_manage_cards: true, group: Some(group) };
/// let (mut flow, step) = CardsFlow::start(&params, &facts);
/// assert!(matches!(step, Step::Need(Need::Existing { .. })));
/// let held = [Held::Serials(Value::Text("1000000030"), Value::Text("1000000040"))];
/// let Step::Reply(Ok(page)) = flow.resume(Answer::Cards(&held)) else { panic!() };
/// assert!(page.xml.contains("Cards created: 5/11"));
/// ```
#[derive(Debug, Clone)]
pub struct CardsFlow {
    accepted: Option<(Need, usize, Options)>,
}

impl CardsFlow {
    /// Checks a request against the host's facts; its first step asks for
    /// the group's cards, or is the error page.
    pub fn start(
        params: &Params<'_>,
        facts: &Facts<'_>,
    ) -> (CardsFlow, Step<Need, Result<Page, Vec<SeriesError>>>) {
        match check(params, facts) {
            Ok(a) => {
                let need = Need::Existing {
                    from: a.range.start_text().into_owned(),
                    till: a.range.end_text().into_owned(),
                    scope: scope(facts.group.map_or("", |g| g.id)),
                };
                let flow = CardsFlow {
                    accepted: Some((need.clone(), a.range.start().width(), a.options)),
                };
                (flow, Step::Need(need))
            }
            Err(text) => (
                CardsFlow { accepted: None },
                Step::Reply(Ok(Page {
                    xml: error_xml(text),
                    error: Some(text),
                    create: None,
                })),
            ),
        }
    }

    /// Feeds the group's cards; answers the page and what to create.
    pub fn resume(&mut self, answer: Answer<'_>) -> Step<Need, Result<Page, Vec<SeriesError>>> {
        let Some((Need::Existing { from, till, scope }, width, options)) = self.accepted.take()
        else {
            return Step::Reply(Err(vec![crate::flow::finished()]));
        };
        let held = match answer {
            Answer::Cards(held) => held,
            _ => return Step::Reply(Err(vec![crate::book::store_failed("callback", false)])),
        };
        Step::Reply(
            plan_cards(&from, &till, width, held.iter().copied()).map(|(xml, plan)| Page {
                xml,
                error: None,
                create: Some(Create {
                    from,
                    till,
                    scope,
                    plan,
                    options,
                }),
            }),
        )
    }
}

/// The documented reply page around one status element.
fn page(element: &str, text: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<page>\n  <status>\n    <{element}>{}</{element}>\n  </status>\n</page>",
        super::xml_escape(text)
    )
}

/// `<success>Cards created: created/requested</success>`.
///
/// ```
/// assert!(seriesguard::profiles::mor::success_xml(8, 11).contains("<success>Cards created: 8/11</success>"));
/// ```
pub fn success_xml(created: u128, requested: u128) -> String {
    page("success", &format!("Cards created: {created}/{requested}"))
}

/// `<error>text</error>`.
pub fn error_xml(text: &str) -> String {
    page("error", text)
}
