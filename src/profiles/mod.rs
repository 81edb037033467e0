//! Platform profiles: each documented platform's request rules and exact
//! replies, on the shared core. One file per platform; a fifth platform is
//! a new file here plus its binding, not edits across the crate.
//!
//! A profile owns field names, limits, precedence of errors and the bytes
//! of its replies (JSON key order, XML layout, message texts copied from
//! the platform's documents). It does not reach storage or authentication:
//! the host answers those (is this API key valid, which cards exist, is the
//! order a quote) and the bindings pass the answers in.

pub mod abillity;
pub mod crm;
pub mod mor;
pub mod shipsy;

/// An HTTP-style reply: status and the exact body text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// The exact body.
    pub body: String,
}

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
