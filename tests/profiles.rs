//! The platform profiles against their documents (../shared/seeds), one row
//! per documented request and reply, bytes compared exactly. The expected
//! texts are copied from the seeds.
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use seriesguard::input::Value;
use seriesguard::profiles::{abillity, crm, mor, shipsy};
use seriesguard::range::SeriesRules;
use seriesguard::signing::SeriesType;

fn shipsy_body<'a>(fields: &[(&str, &'a str)]) -> shipsy::Body<'a> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(Value::Absent, |(_, v)| Value::Text(v))
    };
    shipsy::Body {
        client_code: get("client_code"),
        kind: get("type"),
        start: get("start"),
        end: get("end"),
        item_code: get("item_code"),
        hub_code: get("hub_code"),
        creator_hub: get("creator_hub"),
    }
}

// Seed 001, "Sample Payload".
const SAMPLE: &[(&str, &str)] = &[
    ("start", "V10000071"),
    ("end", "V10000080"),
    ("client_code", "SL1981"),
    ("item_code", "P7WJEJANkt"),
];

#[test]
fn shipsy_documented_replies() {
    let rules = SeriesRules::default();
    // "When a series is created successfully"
    assert_eq!(shipsy::ok().status, 200);
    assert_eq!(shipsy::ok().body, r#"{"status":"OK"}"#);
    // "When no API key is provided"
    for auth in [
        Value::Absent,
        Value::Text(""),
        Value::Text("Basic "),
        Value::Text("Bearer abc"),
    ] {
        let reply = shipsy::check(auth, &shipsy_body(SAMPLE), &rules).unwrap_err();
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.body,
            r#"{"error":{"message":"API key should be present","statusCode":401,"reason":"NO_API_KEY"}}"#
        );
    }
    // "When insufficient/incorrect input is provided."
    let no_customer: Vec<_> = SAMPLE
        .iter()
        .filter(|(k, _)| *k != "client_code")
        .copied()
        .collect();
    let reply =
        shipsy::check(Value::Text("Basic key"), &shipsy_body(&no_customer), &rules).unwrap_err();
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body,
        r#"{"error":{"message":"Either client code or hubCode should be present","statusCode":400,"reason":"CLIENT_HUB_CODE_NOT_PRESENT","code":"WRONG_INPUT"}}"#
    );
}

#[test]
fn shipsy_accepts_the_sample_payload_and_defaults_type_to_virtual() {
    let accepted = shipsy::check(
        Value::Text("Basic key-1"),
        &shipsy_body(SAMPLE),
        &SeriesRules::default(),
    )
    .unwrap();
    assert_eq!(
        accepted,
        shipsy::Accepted {
            api_key: "key-1",
            scope: "client:SL1981".to_owned(),
            start: "V10000071".into(),
            end: "V10000080".into(),
            item_code: "P7WJEJANkt",
            kind: SeriesType::Virtual,
        }
    );
    // "If both are passed, priority is given to client_code"
    let mut both = SAMPLE.to_vec();
    both.push(("hub_code", "BF074"));
    let accepted = shipsy::check(
        Value::Text("basic key-1"),
        &shipsy_body(&both),
        &SeriesRules::default(),
    )
    .unwrap();
    assert_eq!(accepted.scope, "client:SL1981");
    let hub_only: Vec<_> = both
        .iter()
        .filter(|(k, _)| *k != "client_code")
        .copied()
        .collect();
    assert_eq!(
        shipsy::check(
            Value::Text("Basic k"),
            &shipsy_body(&hub_only),
            &SeriesRules::default()
        )
        .unwrap()
        .scope,
        "hub:BF074"
    );
}

#[test]
fn shipsy_other_wrong_input_uses_the_same_shape() {
    let table: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("client_code", "GL438"),
                ("end", "V10000080"),
                ("item_code", "x"),
            ],
            "START_REQUIRED",
        ),
        (
            &[
                ("client_code", "GL438"),
                ("start", "V10000071"),
                ("item_code", "x"),
            ],
            "END_REQUIRED",
        ),
        (
            &[
                ("client_code", "GL438"),
                ("start", "V10000080"),
                ("end", "V10000071"),
                ("item_code", "x"),
            ],
            "START_AFTER_END",
        ),
        (
            &[
                ("client_code", "GL438"),
                ("start", "V10000071"),
                ("end", "V10000080"),
            ],
            "ITEM_CODE_REQUIRED",
        ),
        (
            &[
                ("client_code", "GL438"),
                ("type", "digital"),
                ("start", "V1"),
                ("end", "V2"),
                ("item_code", "x"),
            ],
            "TYPE_INVALID",
        ),
    ];
    for (fields, reason) in table {
        let reply = shipsy::check(
            Value::Text("Basic k"),
            &shipsy_body(fields),
            &SeriesRules::default(),
        )
        .unwrap_err();
        assert_eq!(reply.status, 400);
        assert!(
            reply.body.starts_with(r#"{"error":{"message":""#),
            "{}",
            reply.body
        );
        assert!(
            reply.body.ends_with(&format!(
                r#","statusCode":400,"reason":"{reason}","code":"WRONG_INPUT"}}}}"#
            )),
            "{}",
            reply.body
        );
    }
    assert_eq!(
        shipsy::error_parts("STORE_FAILED", "db down").body,
        r#"{"error":{"message":"db down","statusCode":500,"reason":"STORE_FAILED"}}"#
    );
}

fn mor_params<'a>(pairs: &[(&str, &'a str)]) -> mor::Params<'a> {
    mor::Params::read(|name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(Value::Absent, |(_, v)| Value::Text(v))
    })
}

// Seed 003, "Request": u = admin, API Secret Key = secret.
const MOR_REQUEST: &[(&str, &str)] = &[
    ("u", "admin"),
    ("card_group_id", "1"),
    ("cards_from", "1000000025"),
    ("cards_till", "1000000035"),
    ("batch_number", "50"),
    ("min_balance", "15"),
    ("language", "en"),
    ("distributor_id", "2"),
    ("hash", "7e112ededcfee097cce21b6201c6d2a00dda1f4c"),
];

fn facts(group: Option<mor::Group<'static>>) -> mor::Facts<'static> {
    mor::Facts {
        secret: "secret",
        user_allowed: true,
        can_manage_cards: true,
        group,
    }
}

/// One precedence row: the parameters, the host's facts, the documented error.
type MorRow = (
    Vec<(&'static str, &'static str)>,
    mor::Facts<'static>,
    &'static str,
);

const GROUP_1: mor::Group<'static> = mor::Group {
    id: "1",
    number_length: 10,
    pin_length: None,
};

#[test]
fn mor_seed_request_is_accepted_and_the_success_page_is_the_documented_one() {
    let accepted = mor::check(&mor_params(MOR_REQUEST), &facts(Some(GROUP_1))).unwrap();
    assert_eq!(accepted.range.count().0, 11);
    assert_eq!(
        accepted.options,
        mor::Options {
            batch_number: "50".into(),
            min_balance: "15".into(),
            distributor_id: "2".into(),
            language: "en".into()
        }
    );
    assert_eq!(
        mor::success_xml(11, 11),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<page>\n  <status>\n    <success>Cards created: 11/11</success>\n  </status>\n</page>"
    );
    assert_eq!(
        mor::error_xml(mor::errors::FROM_AFTER_TILL),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<page>\n  <status>\n    <error>Cards from must not be greater than Cards till</error>\n  </status>\n</page>"
    );
}

#[test]
fn mor_errors_in_documented_precedence() {
    let with = |changes: &[(&'static str, &'static str)],
                drop: &[&str]|
     -> Vec<(&'static str, &'static str)> {
        let mut params: Vec<_> = MOR_REQUEST
            .iter()
            .filter(|(k, _)| !drop.contains(k))
            .copied()
            .collect();
        for (k, v) in changes {
            params.retain(|(name, _)| name != k);
            params.push((k, v));
        }
        params
    };
    // A hash over other cards: recomputed for the rows that need a valid hash.
    let signed = |group: &str, from: &str, till: &str| {
        Box::leak(
            seriesguard::signing::mor_hash(&[group, from, till], "secret")
                .unwrap()
                .into_boxed_str(),
        ) as &'static str
    };
    let table: Vec<MorRow> = vec![
        (with(&[], &["u"]), facts(Some(GROUP_1)), "Access Denied"),
        (
            MOR_REQUEST.to_vec(),
            mor::Facts {
                user_allowed: false,
                ..facts(Some(GROUP_1))
            },
            "Access Denied",
        ),
        (
            with(&[("hash", "0000000000000000000000000000000000000000")], &[]),
            facts(Some(GROUP_1)),
            "Incorrect hash",
        ),
        (
            MOR_REQUEST.to_vec(),
            mor::Facts {
                secret: "other",
                ..facts(Some(GROUP_1))
            },
            "Incorrect hash",
        ),
        (
            MOR_REQUEST.to_vec(),
            mor::Facts {
                can_manage_cards: false,
                ..facts(Some(GROUP_1))
            },
            "You are not authorized to use this functionality",
        ),
        (
            MOR_REQUEST.to_vec(),
            facts(None),
            "Card Group was not found",
        ),
        (
            with(
                &[("hash", signed("", "1000000025", "1000000035"))],
                &["card_group_id"],
            ),
            facts(Some(GROUP_1)),
            "Card Group was not found",
        ),
        (
            with(&[("hash", signed("1", "", "1000000035"))], &["cards_from"]),
            facts(Some(GROUP_1)),
            "Cards from was not found",
        ),
        (
            with(&[("hash", signed("1", "1000000025", ""))], &["cards_till"]),
            facts(Some(GROUP_1)),
            "Cards till was not found",
        ),
        (
            with(
                &[
                    ("cards_from", "100000002"),
                    ("hash", signed("1", "100000002", "1000000035")),
                ],
                &[],
            ),
            facts(Some(GROUP_1)),
            "Cards from is in incorrect format",
        ),
        (
            with(
                &[
                    ("cards_from", "10000000A5"),
                    ("hash", signed("1", "10000000A5", "1000000035")),
                ],
                &[],
            ),
            facts(Some(GROUP_1)),
            "Cards from is in incorrect format",
        ),
        (
            with(
                &[
                    ("cards_till", "10000000350"),
                    ("hash", signed("1", "1000000025", "10000000350")),
                ],
                &[],
            ),
            facts(Some(GROUP_1)),
            "Cards till is in incorrect format",
        ),
        (
            with(
                &[
                    ("cards_from", "1000000036"),
                    ("hash", signed("1", "1000000036", "1000000035")),
                ],
                &[],
            ),
            facts(Some(GROUP_1)),
            "Cards from must not be greater than Cards till",
        ),
        (
            MOR_REQUEST.to_vec(),
            facts(Some(mor::Group {
                pin_length: Some(1),
                ..GROUP_1
            })),
            "PIN is too short for this interval",
        ),
    ];
    for (params, facts, want) in &table {
        let got = mor::check(&mor_params(params), facts).map(|_| "accepted");
        assert_eq!(got, Err(*want), "{params:?}");
    }
    // Two-digit PINs (100) cover 11 cards.
    assert!(mor::check(
        &mor_params(MOR_REQUEST),
        &facts(Some(mor::Group {
            pin_length: Some(2),
            ..GROUP_1
        }))
    )
    .is_ok());
}

#[test]
fn mor_invalid_optional_parameters_fall_back_silently() {
    let mut params = MOR_REQUEST.to_vec();
    params.retain(|(k, _)| !["min_balance", "distributor_id", "language"].contains(k));
    params.extend([
        ("min_balance", "-3"),
        ("distributor_id", "two"),
        ("language", "English"),
    ]);
    let accepted = mor::check(&mor_params(&params), &facts(Some(GROUP_1))).unwrap();
    assert_eq!(
        (
            accepted.options.min_balance.as_str(),
            accepted.options.distributor_id.as_str(),
            accepted.options.language.as_str()
        ),
        ("0", "", "en")
    );
}

#[test]
fn abillity_views_are_the_documented_samples() {
    // Seed 004, "Response Formats", with the sample's own values.
    let view = abillity::View {
        id: 1,
        first: Some("sample string 2"),
        last: Some("sample string 3"),
        area_code: "sample string 4",
        quantity: 5,
    };
    assert_eq!(
        abillity::view_json(&view),
        "{\n  \"StockNumberID\": 1,\n  \"FirstNumber\": \"sample string 2\",\n  \"LastNumber\": \"sample string 3\",\n  \"AreaCode\": \"sample string 4\",\n  \"Quantity\": 5\n}"
    );
    assert_eq!(
        abillity::view_xml(&view),
        "<StockNumberView xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"http://schemas.datacontract.org/2004/07/aBILLity.API.Models\">\n  <AreaCode>sample string 4</AreaCode>\n  <Quantity>5</Quantity>\n  <FirstNumber>sample string 2</FirstNumber>\n  <LastNumber>sample string 3</LastNumber>\n  <StockNumberID>1</StockNumberID>\n</StockNumberView>"
    );
    let null_range = abillity::View {
        first: None,
        last: None,
        ..view
    };
    assert!(
        abillity::view_json(&null_range).contains("\"FirstNumber\": null,\n  \"LastNumber\": null")
    );
    assert!(abillity::view_xml(&null_range).contains("<FirstNumber i:nil=\"true\" />"));
}

#[test]
fn abillity_documented_error_lines() {
    let known = |code: &str| code == "0161" || code.is_empty();
    let table: &[(Value, Value, &str)] = &[
        (
            Value::Text("0161"),
            Value::Number(0.0),
            "StockNumber.Quantity = Quantity must be between 1 and 1000.",
        ),
        (
            Value::Text("0161"),
            Value::Number(1001.0),
            "StockNumber.Quantity = Quantity must be between 1 and 1000.",
        ),
        (
            Value::Text("0161"),
            Value::Number(2.5),
            "StockNumber.Quantity = Quantity must be between 1 and 1000.",
        ),
        (
            Value::Text("0161"),
            Value::Text("5"),
            "StockNumber.Quantity = Quantity must be between 1 and 1000.",
        ),
        (
            Value::Text("0999"),
            Value::Number(5.0),
            "StockNumber.AreaCode = AreaCode `0999` is not valid.",
        ),
        (
            Value::Text("012345678901"),
            Value::Number(5.0),
            "StockNumber.AreaCode = AreaCode `012345678901` is not valid.",
        ),
    ];
    for &(area, quantity, want) in table {
        assert_eq!(
            abillity::check(area, quantity, known, 1000),
            Err(want.to_owned())
        );
    }
    assert_eq!(
        abillity::check(Value::Text(""), Value::Number(1000.0), known, 1000),
        Ok(abillity::Accepted {
            area_code: "",
            quantity: 1000
        })
    );
    assert_eq!(
        abillity::check(Value::Text("0161"), Value::Number(20.0), known, 10).unwrap_err(),
        "StockNumber.Quantity = Quantity must be between 1 and 10."
    );
    // The quote stage is asked first: an order past it is refused whatever the body holds.
    let areas = [abillity::Area {
        area_code: Value::Text("0161"),
        first: Value::Text("01615550000"),
        last: Value::Text("01615550999"),
    }];
    let (mut flow, _) = abillity::StockFlow::start(
        "42",
        Value::Text("0161"),
        Value::Number(0.0),
        &areas,
        Value::Absent,
    );
    flow.resume(seriesguard::profiles::Answer::Yes);
    let step = flow.resume(seriesguard::profiles::Answer::No);
    assert!(
        matches!(&step, seriesguard::profiles::Step::Reply((reply, _))
            if reply.body.contains("Order.Status = Only quotes may be updated")),
        "{step:?}"
    );
    let (reply, xml) = abillity::error("Order.Status = Only quotes may be updated");
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (
            400,
            "{\n  \"Message\": \"Order.Status = Only quotes may be updated\"\n}"
        )
    );
    assert_eq!(
        xml,
        "<Error>\n  <Message>Order.Status = Only quotes may be updated</Message>\n</Error>"
    );
}

#[test]
fn crm_only_traceable_physical_goods_qualify() {
    // Seed 002's product_type fields: classification SERVICES | PHYSICALGOODS,
    // physical_good_type TRACEABLE | NONTRACEABLE; codes from its example.
    let catalog = [
        crm::Good {
            code: "Smartcard 1",
            alternative_code: "SC1",
            classification: "PHYSICALGOODS",
            physical_good_type: "TRACEABLE",
        },
        crm::Good {
            code: "Decoders 1",
            alternative_code: "D1",
            classification: "PHYSICALGOODS",
            physical_good_type: "NONTRACEABLE",
        },
        crm::Good {
            code: "Installation",
            alternative_code: "",
            classification: "SERVICES",
            physical_good_type: "",
        },
    ];
    let table: &[(Value, Result<(), &str>)] = &[
        (Value::Text("Smartcard 1"), Ok(())),
        (Value::Text(" SC1 "), Ok(())),
        (Value::Text("Decoders 1"), Err("ITEM_CODE_NOT_TRACEABLE")),
        (Value::Text("Installation"), Err("ITEM_CODE_NOT_TRACEABLE")),
        (Value::Text("Smartcard 9"), Err("ITEM_CODE_UNKNOWN")),
        (Value::Text(""), Err("ITEM_CODE_REQUIRED")),
        (Value::Absent, Err("ITEM_CODE_REQUIRED")),
        (Value::Number(1.0), Err("ITEM_CODE_INVALID")),
    ];
    for (value, want) in table {
        assert_eq!(
            crm::traceable(&catalog, *value).map_err(|e| e.code()),
            *want,
            "{value:?}"
        );
    }
}

#[test]
fn mor_plans_around_existing_cards_given_as_numbers_or_serials() {
    use seriesguard::profiles::mor::{plan_cards, Held};
    let cards = [Held::Cards(
        Value::Text("1000000030"),
        Value::Text("1000000032"),
    )];
    let serials = [Held::Serials(
        Value::Text("1000000030"),
        Value::Text("1000000032"),
    )];
    let (a, plan) = plan_cards("1000000025", "1000000035", 10, cards).unwrap();
    let (b, _) = plan_cards("1000000025", "1000000035", 10, serials).unwrap();
    assert_eq!(a, b);
    assert_eq!((plan.created, plan.requested), (8, 11));
    assert!(a.contains("Cards created: 8/11"));
    // Cards held twice, or not of the group's length, are the host's error.
    let twice = [
        Held::Serials(Value::Text("1000000030"), Value::Text("1000000032")),
        Held::Serials(Value::Text("1000000031"), Value::Text("1000000033")),
    ];
    assert_eq!(
        plan_cards("1000000025", "1000000035", 10, twice).unwrap_err()[0].code(),
        "STORE_FAILED"
    );
    let short = [Held::Cards(
        Value::Text("100000003"),
        Value::Text("100000004"),
    )];
    assert_eq!(
        plan_cards("1000000025", "1000000035", 10, short).unwrap_err()[0].code(),
        "WIDTH_MISMATCH"
    );
}
