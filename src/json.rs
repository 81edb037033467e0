//! JSON text written by hand where the core answers in JSON (snapshots,
//! pool keys, the platforms' replies): one string-literal writer for all.

/// A JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A parsed JSON value, borrowing from its text where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (never turned into a float).
    Number(&'a str),
    /// A string.
    Text(std::borrow::Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object's members, in order.
    Object(Vec<(std::borrow::Cow<'a, str>, Json<'a>)>),
}

/// The deepest nesting [`parse`] accepts (deeper input is refused, not a
/// stack overflow).
pub const MAX_DEPTH: usize = 32;

/// Parses JSON text; `Err` carries the byte offset where it stopped making sense.
///
/// ```
/// use seriesguard::json::{parse, Json};
/// let v = parse(r#"{"op":"reserve","quantity":10,"tags":["a\u00e9"]}"#).unwrap();
/// assert_eq!(v.get("quantity"), Some(&Json::Number("10")));
/// assert!(parse("[[[[").is_err());
/// ```
pub fn parse(text: &str) -> Result<Json<'_>, usize> {
    let mut p = Parser { text, at: 0 };
    let value = p.value(0)?;
    p.space();
    if p.at == text.len() {
        Ok(value)
    } else {
        Err(p.at)
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.space();
        let found = self.peek() == Some(c);
        self.at += usize::from(found);
        found
    }

    fn word(&mut self, word: &str, value: Json<'a>) -> Result<Json<'a>, usize> {
        match self.text.get(self.at..) {
            Some(rest) if rest.starts_with(word) => {
                self.at += word.len();
                Ok(value)
            }
            _ => Err(self.at),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, usize> {
        self.space();
        if depth > MAX_DEPTH {
            return Err(self.at);
        }
        match self.peek() {
            Some(b'n') => self.word("null", Json::Null),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Text),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.at);
                        }
                    }
                }
                Ok(Json::Array(items))
            }
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.space();
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return Err(self.at);
                        }
                        members.push((key, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.at);
                        }
                    }
                }
                Ok(Json::Object(members))
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.at;
                self.at += 1;
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                ) {
                    self.at += 1;
                }
                self.text.get(start..self.at).map(Json::Number).ok_or(start)
            }
            _ => Err(self.at),
        }
    }

    fn string(&mut self) -> Result<std::borrow::Cow<'a, str>, usize> {
        if self.peek() != Some(b'"') {
            return Err(self.at);
        }
        self.at += 1;
        let start = self.at;
        let bytes = self.text.as_bytes();
        // The common case: no escapes, borrowed.
        while let Some(&c) = bytes.get(self.at) {
            match c {
                b'"' => {
                    let s = self.text.get(start..self.at).ok_or(start)?;
                    self.at += 1;
                    return Ok(std::borrow::Cow::Borrowed(s));
                }
                b'\\' => break,
                c if c < 0x20 => return Err(self.at),
                _ => self.at += 1,
            }
        }
        let mut out = String::from(self.text.get(start..self.at).ok_or(start)?);
        loop {
            let rest = self.text.get(self.at..).ok_or(self.at)?;
            let mut chars = rest.chars();
            let c = chars.next().ok_or(self.at)?;
            self.at += c.len_utf8();
            match c {
                '"' => return Ok(std::borrow::Cow::Owned(out)),
                '\\' => {
                    let e = self.peek().ok_or(self.at)?;
                    self.at += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode()?,
                        _ => return Err(self.at),
                    });
                }
                c if u32::from(c) < 0x20 => return Err(self.at),
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, usize> {
        let digits = self.text.get(self.at..self.at + 4).ok_or(self.at)?;
        let n = u32::from_str_radix(digits, 16).map_err(|_| self.at)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.at);
        }
        self.at += 4;
        Ok(n)
    }

    fn unicode(&mut self) -> Result<char, usize> {
        let high = self.hex4()?;
        if (0xD800..0xDC00).contains(&high) && self.text.get(self.at..self.at + 2) == Some("\\u") {
            self.at += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(code).ok_or(self.at);
            }
            return Err(self.at);
        }
        char::from_u32(high).ok_or(self.at)
    }
}

impl<'a> Json<'a> {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as the core reads host values: integers exactly (a JSON
    /// number that is not a non-negative integer is named, not rounded).
    pub fn value(&self) -> crate::input::Value<'_> {
        use crate::input::Value;
        match self {
            Json::Null => Value::Absent,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) if n.bytes().all(|b| b.is_ascii_digit()) => {
                Value::BigInt(crate::serial::parse_digits(n.as_bytes()))
            }
            Json::Number(n) if n.starts_with('-') => Value::Other("a negative number"),
            Json::Number(_) => Value::Other("a fractional number"),
            Json::Text(t) => Value::Text(t),
            Json::Array(_) => Value::Other("array"),
            Json::Object(_) => Value::Object,
        }
    }
}
