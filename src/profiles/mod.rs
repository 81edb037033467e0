//! Platform profiles: each documented platform's request rules and exact
//! replies, on the shared core. One file per platform; a fifth platform is
//! a new file here plus its binding, not edits across the crate.
//!
//! A profile owns field names, limits, precedence of errors and the bytes
//! of its replies (JSON key order, XML layout, message texts copied from
//! the platform's documents). It does not reach storage or authentication:
//! the host answers those (is this API key valid, which cards exist, is the
//! order a quote) and the bindings pass the answers in.
//!
//! A create that waits on the host is a step machine here (Shipsy's
//! [`shipsy::CreateFlow`], MOR's [`mor::CardsFlow`], aBILLity's
//! [`abillity::StockFlow`]): it answers
//! what it needs next or its reply, and the binding feeds back the host's
//! [`Answer`]. No binding decides anything between the steps.

pub mod abillity;
pub mod crm;
pub mod mor;
pub mod shipsy;

use crate::input::Value;
use crate::inventory::Inventory;

/// A host's answer to what a platform's flow asked.
#[derive(Debug, Clone, Copy)]
pub enum Answer<'a> {
    /// Yes: the key is valid, the service exists, the order is a quote.
    Yes,
    /// No.
    No,
    /// The host could not answer: its callback threw, or is missing.
    Failed,
    /// A value the host gave (a StockNumberID).
    Value(Value<'a>),
    /// What the host holds already, as an index (aBILLity's reservations).
    Held(&'a Inventory),
    /// The cards a MOR card group holds.
    Cards(&'a [mor::Held<'a>]),
    /// Done as asked: created, saved.
    Done,
    /// Refused, with a series error's code and message (`OVERLAP`: another
    /// writer was first).
    Refused {
        /// The error's code.
        code: &'a str,
        /// Its message.
        message: &'a str,
    },
}

/// A platform flow's next step: what it needs from the host (`N`), or its
/// finished reply (`R`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<N, R> {
    /// Ask the host this and feed the answer back.
    Need(N),
    /// The reply; the flow is over.
    Reply(R),
}

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
