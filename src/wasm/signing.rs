//! Bindings for [`crate::signing`]. Each export has a fast form taking
//! strings (the JS wrapper uses it when every argument already is one,
//! joining the parameters itself: one string crosses instead of many) and a
//! general form taking any JS values, which types them and answers coded
//! errors. Both call the same core function.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::value::Held;
use super::{read_rules, wire};
use crate::error::{Field, Invalid};
use crate::input::Value;
use crate::signing::{self, Encoding};
use crate::SeriesError;

/// MOR hash of parameters already joined into one string; never throws.
#[wasm_bindgen(js_name = morHashStrings)]
pub fn mor_hash_strings(joined: &str, secret: &str) -> u32 {
    wire::emit_digest(signing::mor_digest(&[joined], secret), Encoding::Hex)
}

/// MOR hash of the parameters (joined) and the secret the wrapper wrote
/// into the scratch buffer; never throws. Measured: passing two strings
/// cost more than the hash.
#[wasm_bindgen(js_name = morHashScratch)]
pub fn mor_hash_scratch(joined_len: u32, secret_len: u32) -> u32 {
    super::with_scratch(&[joined_len, secret_len], &mut |[joined, secret, _]| {
        wire::emit_digest(signing::mor_digest(&[joined], secret), Encoding::Hex)
    })
}

/// HMAC-SHA256 of the key and message (and the encoding, when `encoded`)
/// the wrapper wrote into the scratch buffer; never throws.
#[wasm_bindgen(js_name = hmacSha256Scratch)]
pub fn hmac_sha256_scratch(
    key_len: u32,
    message_len: u32,
    encoding_len: u32,
    encoded: bool,
) -> u32 {
    let lengths = [key_len, message_len, encoding_len];
    super::with_scratch(&lengths, &mut |[key, message, encoding]| {
        let encoding = if encoded {
            Value::Text(encoding)
        } else {
            Value::Absent
        };
        match Encoding::from_value(encoding) {
            Ok(encoding) => wire::emit_digest(
                signing::hmac_bytes(key.as_bytes(), message.as_bytes()),
                encoding,
            ),
            Err(issue) => wire::emit_answer(Err(issue)),
        }
    })
}

/// MOR hash of a JS array of parameters; never throws.
#[wasm_bindgen(js_name = morHashRaw)]
pub fn mor_hash_raw(params: &JsValue, secret: &JsValue) -> u32 {
    wire::emit(wire::answer(with_params(
        params,
        secret,
        |params, secret| signing::mor_hash(params, secret),
    )))
}

/// Verifies a MOR hash against parameters already joined; never throws.
#[wasm_bindgen(js_name = verifyMorHashStrings)]
pub fn verify_mor_hash_strings(joined: &str, secret: &str, hash: &str) -> u32 {
    wire::emit(wire::answer(signing::verify_mor_hash(
        &[joined],
        secret,
        hash,
    )))
}

/// Verifies a MOR hash against a JS array of parameters; never throws.
#[wasm_bindgen(js_name = verifyMorHashRaw)]
pub fn verify_mor_hash_raw(params: &JsValue, secret: &JsValue, hash: &JsValue) -> u32 {
    let hash = Held::from_js(hash);
    wire::emit(wire::answer(with_params(
        params,
        secret,
        |params, secret| {
            let hash = crate::input::text_arg(hash.view(), Field::Hash)?;
            signing::verify_mor_hash(params, secret, hash)
        },
    )))
}

/// HMAC-SHA256 in hex or base64url; never throws.
#[wasm_bindgen(js_name = hmacSha256Raw)]
pub fn hmac_sha256_raw(key: &JsValue, message: &JsValue, encoding: &JsValue) -> u32 {
    let (key, message, encoding) = (
        Held::from_js(key),
        Held::from_js(message),
        Held::from_js(encoding),
    );
    wire::emit(wire::answer((|| {
        let key = crate::input::text_arg(key.view(), Field::Key)?;
        let message = crate::input::text_arg(message.view(), Field::Message)?;
        signing::hmac_sha256(
            key.as_bytes(),
            message.as_bytes(),
            Encoding::from_value(encoding.view())?,
        )
    })()))
}

/// Verifies an HMAC-SHA256 signature (hex or base64url); never throws.
#[wasm_bindgen(js_name = verifyHmacSha256Raw)]
pub fn verify_hmac_sha256_raw(key: &JsValue, message: &JsValue, signature: &JsValue) -> u32 {
    let (key, message, signature) = (
        Held::from_js(key),
        Held::from_js(message),
        Held::from_js(signature),
    );
    wire::emit(wire::answer((|| {
        let key = crate::input::text_arg(key.view(), Field::Key)?;
        let message = crate::input::text_arg(message.view(), Field::Message)?;
        let signature = crate::input::text_arg(signature.view(), Field::Hash)?;
        signing::verify_hmac_sha256(key.as_bytes(), message.as_bytes(), signature)
    })()))
}

/// The fingerprint of `{ start, end, item_code?, type? }` under `rules`;
/// never throws. Encoded as a validation whose count field holds the hash.
#[wasm_bindgen(js_name = fingerprintRaw)]
pub fn fingerprint_raw(input: &JsValue, rules: &JsValue) -> u32 {
    let (rules, mut issues) = read_rules(rules);
    if let Some(issue) = Held::kind_of(input).view().expect_object(Field::Input) {
        issues.push(issue);
    }
    if !issues.is_empty() {
        return wire::emit(wire::failure(&issues));
    }
    let fields = ["start", "end", "item_code", "type"].map(|key| Held::field(input, key));
    let [start, end, item_code, kind] = &fields;
    match signing::fingerprint_input(
        start.view(),
        end.view(),
        item_code.view(),
        kind.view(),
        &rules,
    ) {
        Ok(hash) => wire::emit(wire::answer::<String>(Ok(hash))),
        Err(issues) => wire::emit(wire::failure(&issues)),
    }
}

/// Reads a JS array of MOR parameters and a secret, then runs `f` on them.
fn with_params<T>(
    params: &JsValue,
    secret: &JsValue,
    f: impl FnOnce(&[std::borrow::Cow<'_, str>], &str) -> Result<T, SeriesError>,
) -> Result<T, SeriesError> {
    let secret = Held::from_js(secret);
    let Some(array) = params.dyn_ref::<Array>() else {
        return Err(SeriesError::Invalid {
            field: Field::Params,
            reason: Invalid::Rule("must be an array of the parameters, in hash order"),
        });
    };
    // Reflect::get catches a throwing getter or proxy instead of unwinding through wasm.
    let held: Vec<Held> = (0..array.length())
        .map(|i| match Reflect::get_u32(array, i) {
            Ok(value) => Held::from_js(&value),
            Err(_) => Held::Plain(Value::Other("unreadable value (its getter threw)")),
        })
        .collect();
    let params = held
        .iter()
        .enumerate()
        .map(|(at, value)| signing::param_text(value.view(), at))
        .collect::<Result<Vec<_>, _>>()?;
    let secret = crate::input::text_arg(secret.view(), Field::Secret)?;
    f(&params, secret)
}
