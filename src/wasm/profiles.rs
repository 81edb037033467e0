//! Bindings for [`crate::profiles`]' checks a page calls too (Shipsy's
//! form, MOR's scope, aBILLity's request split, CRM.COM's catalog). The
//! create flows a backend drives are in `flows` (the server build).

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::value::Held;
use super::{read_rules, wire};
use crate::input::Value;
use crate::profiles::{abillity, crm, mor, shipsy};

/// The Shipsy body's fields, in [`shipsy::Body`]'s order.
pub(super) const SHIPSY_FIELDS: [&str; 7] = [
    "client_code",
    "type",
    "start",
    "end",
    "item_code",
    "hub_code",
    "creator_hub",
];

pub(super) fn shipsy_body(f: &[Held; 7]) -> shipsy::Body<'_> {
    let [client_code, kind, start, end, item_code, hub_code, creator_hub] = f;
    shipsy::Body {
        client_code: client_code.view(),
        kind: kind.view(),
        start: start.view(),
        end: end.view(),
        item_code: item_code.view(),
        hub_code: hub_code.view(),
        creator_hub: creator_hub.view(),
    }
}

/// Shipsy dashboard form: every issue at once, with the count (a
/// validation answer). `service_types` is the number picked, `-1` when the
/// form has no such field, `-2` when the value is not a list.
#[wasm_bindgen(js_name = shipsyValidate)]
pub fn shipsy_validate(body: &JsValue, service_types: i32, rules: &JsValue) -> u32 {
    let (rules, mut issues) = read_rules(rules);
    let f = SHIPSY_FIELDS.map(|k| Held::field(body, k));
    let body = shipsy_body(&f);
    let service_types = match service_types {
        -1 => None,
        n if n < 0 => Some(Err("a value that is not a list")),
        n => Some(Ok(n as usize)),
    };
    let validation = shipsy::form_issues(&body, service_types, &rules);
    issues.extend(validation.issues);
    let mut answer = wire::validation(validation.range.as_ref(), &issues);
    // After GS: the customer the series belongs to, when there is one.
    if let Ok(Some(customer)) = shipsy::customer(&body) {
        answer.push('\u{1d}');
        answer.push_str(&customer);
    }
    wire::emit(answer)
}

/// MOR: the scope a card group's cards are stored under.
#[wasm_bindgen(js_name = morScope)]
pub fn mor_scope(group_id: &str) -> u32 {
    wire::emit(mor::scope(group_id))
}

/// aBILLity: the requests reserving `quantity` numbers (`1 US size US
/// full US rest`, as [`abillity::requests`] answers), or the issue.
#[wasm_bindgen(js_name = abillityRequests)]
pub fn abillity_requests(quantity: &str, max: &str) -> u32 {
    let answer = abillity::requests(Value::Text(quantity), Value::Text(max))
        .map(|(size, full, rest)| format!("{size}\u{1f}{full}\u{1f}{rest}"));
    wire::emit(wire::answer(answer))
}

/// CRM.COM: whether `item_code` names a traceable physical good of the
/// host's catalog, read in the documented shape ([`crm::CATALOG`]).
#[wasm_bindgen(js_name = crmTraceable)]
pub fn crm_traceable(catalog: &JsValue, item_code: &JsValue) -> u32 {
    let get = |object: &JsValue, key: &str| {
        if object.is_object() {
            Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    };
    let list = if Array::is_array(catalog) {
        catalog.clone()
    } else {
        get(catalog, crm::CATALOG.list)
    };
    let entries = if Array::is_array(&list) {
        Array::from(&list).iter().collect()
    } else {
        Vec::new()
    };
    let held: Vec<[Held; 4]> = entries
        .iter()
        .map(|entry| {
            let product = get(entry, crm::CATALOG.product);
            let product = if product.is_object() { &product } else { entry };
            let kind = get(product, crm::CATALOG.product_type);
            let [code, alternative] = crm::CATALOG.codes.map(|k| Held::field(product, k));
            let [class, good_type] = crm::CATALOG.types.map(|k| Held::field(&kind, k));
            [code, alternative, class, good_type]
        })
        .collect();
    fn text(h: &Held) -> &str {
        match h.view() {
            Value::Text(t) => t,
            _ => "",
        }
    }
    let goods: Vec<crm::Good<'_>> = held
        .iter()
        .map(|[code, alternative, class, good_type]| crm::Good {
            code: text(code),
            alternative_code: text(alternative),
            classification: text(class),
            physical_good_type: text(good_type),
        })
        .collect();
    let item_code = Held::from_js(item_code);
    let issues: Vec<_> = crm::traceable(&goods, item_code.view())
        .err()
        .into_iter()
        .collect();
    wire::emit(wire::validation(None, &issues))
}
