//! JS values mapped onto the core's [`Value`], owning the string a `Value`
//! borrows. Reading never throws: a getter or proxy that throws is reported
//! as an unreadable value, not propagated.

use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;

use crate::input::Value;

/// A JS value copied into Rust, ready to be viewed as a [`Value`].
pub(crate) enum Held {
    Text(String),
    Plain(Value<'static>),
}

impl Held {
    /// Copies a JS value; strings are the common case and are tried first.
    pub(crate) fn from_js(value: &JsValue) -> Held {
        if value.is_undefined() || value.is_null() {
            return Held::Plain(Value::Absent);
        }
        if let Some(text) = value.as_string() {
            return Held::Text(text);
        }
        Held::Plain(Self::classify(value))
    }

    /// Like [`Held::from_js`] but without copying strings: for values that
    /// must be objects, where only the kind matters.
    pub(crate) fn kind_of(value: &JsValue) -> Held {
        if value.is_undefined() || value.is_null() {
            return Held::Plain(Value::Absent);
        }
        if value.is_string() {
            return Held::Plain(Value::Other("string"));
        }
        Held::Plain(Self::classify(value))
    }

    /// Reads `object[key]`; a throwing getter gives an unreadable value.
    pub(crate) fn field(object: &JsValue, key: &str) -> Held {
        if object.is_undefined() || object.is_null() {
            return Held::Plain(Value::Absent);
        }
        match Reflect::get(object, &JsValue::from_str(key)) {
            Ok(value) => Held::from_js(&value),
            Err(_) => Held::Plain(Value::Other("unreadable value (its getter threw)")),
        }
    }

    fn classify(value: &JsValue) -> Value<'static> {
        if value.is_object() {
            return if Array::is_array(value) {
                Value::Other("array")
            } else {
                Value::Object
            };
        }
        if let Some(number) = value.as_f64() {
            return Value::Number(number);
        }
        if value.is_bigint() {
            return Value::BigInt(u128::try_from(value.clone()).ok());
        }
        if let Some(flag) = value.as_bool() {
            return Value::Bool(flag);
        }
        if value.is_symbol() {
            return Value::Other("symbol");
        }
        if value.is_function() {
            return Value::Other("function");
        }
        Value::Other("unknown value")
    }

    /// The core's view of the held value.
    pub(crate) fn view(&self) -> Value<'_> {
        match self {
            Held::Text(text) => Value::Text(text),
            Held::Plain(value) => *value,
        }
    }
}
