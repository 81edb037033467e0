//! seriesguard validates, counts, signs and overlap-checks number series:
//! contiguous runs of identifiers such as `V10000051`..`V10000060`,
//! calling-card numbers or SIM ICCIDs.
//!
//! The core modules are plain Rust and build natively; `wasm` (on wasm32
//! only) binds them to JavaScript without holding any rule of its own.
//!
//! ```
//! use seriesguard::{input::Value, range::{validate, Count, SeriesRules}};
//! let v = validate(
//!     Value::Text("00000000000000000001"),
//!     Value::Text("99999999999999999999"),
//!     &SeriesRules::default(),
//! );
//! assert_eq!(v.count(), Some(Count(99_999_999_999_999_999_999)));
//! ```

pub mod book;
pub mod bulk;
pub mod check_digit;
pub mod conflict;
pub mod csv;
pub mod error;
pub mod flow;
pub mod formats;
pub mod input;
pub mod inventory;
pub mod json;
#[cfg(any(feature = "lifecycle", not(target_arch = "wasm32")))]
pub mod lifecycle;
pub mod packed;
pub mod profiles;
pub mod range;
pub mod scope;
pub mod serial;
pub mod signing;

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub mod wasm;

#[cfg(all(
    feature = "component",
    target_arch = "wasm32",
    not(target_os = "unknown")
))]
pub mod component;

pub use error::{Field, SeriesError};
pub use range::{validate, Count, SeriesRange, SeriesRules, Validation};
pub use serial::Serial;
