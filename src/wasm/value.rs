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

/// A field of a packed record as a [`Value`]: `s` string, `n` number,
/// `b` bigint, `u` undefined or null, `x` another type (named after the x).
pub(crate) fn unpack(field: &str) -> Value<'_> {
    // The tag is one ASCII byte; a field that starts otherwise (never written
    // by the packer) is an unknown value, not a panic. Matched as a byte:
    // one-letter string patterns called `memcmp` for each arm tried
    // (measured: 3% of a million-range load in wasm).
    let rest = field.get(1..).unwrap_or_default();
    match field.as_bytes().first() {
        Some(b's') => Value::Text(rest),
        // Only plain integers matter here (ids, widths); anything else
        // (1.5, -1, 1e+21, NaN) is refused as NaN would be. Avoiding f64
        // parsing keeps its tables out of the wasm (about 10 KB).
        // Through u64: u128 to f64 is a library call in wasm, u64 to f64
        // one instruction (measured: 2% of a million-range load).
        Some(b'n') => Value::Number(
            crate::serial::parse_digits(rest.as_bytes())
                .and_then(|n| u64::try_from(n).ok())
                .filter(|&n| n <= crate::input::MAX_SAFE_INTEGER as u64)
                .map_or(f64::NAN, |n| n as f64),
        ),
        Some(b'b') => Value::BigInt(rest.parse().ok()),
        Some(b'u') => Value::Absent,
        Some(b'x') => Value::Other(match rest {
            "object" => "object",
            "array" => "array",
            "boolean" => "boolean",
            "function" => "function",
            "symbol" => "symbol",
            _ => "unknown value",
        }),
        _ => Value::Other("unknown value"),
    }
}

/// The records of packed text, each a reader of its fields in order (typed
/// as [`unpack`] types them; absent past the last). Empty records are skipped.
pub(crate) fn records<'a>(text: &'a str) -> impl Iterator<Item = impl FnMut() -> Value<'a>> {
    crate::packed::pieces(text, crate::packed::RS)
        .filter(|r| !r.is_empty())
        .map(fields)
}

/// A reader of one record's fields in order, as [`records`] gives them.
pub(crate) fn fields<'a>(record: &'a str) -> impl FnMut() -> Value<'a> {
    let mut f = crate::packed::fields(record).map(unpack);
    move || f.next().unwrap_or(Value::Absent)
}

/// Grows the heap once, up front, for a bulk call. Growing wasm memory a
/// page at a time makes V8 collect garbage at many of the steps, and each
/// collection walks the host's whole JS heap: measured, a million series
/// took 122 s that way and load in about a second with one early growth.
/// The block is freed at once and the allocator hands it out again.
pub(crate) fn reserve_heap(bytes: usize) {
    let block: Vec<u8> = Vec::with_capacity(bytes);
    std::hint::black_box(&block);
}
