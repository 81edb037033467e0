//! CRM.COM installed items (seed 002): only TRACEABLE physical goods carry
//! serial numbers, so a series' item code must name one.
//!
//! The host gives its physical-goods list in the documented shape (each
//! good's `product` with `code`, `alternative_code` and a `product_type`
//! whose `classification` is `SERVICES` or `PHYSICALGOODS` and whose
//! `physical_good_type` is `TRACEABLE` or `NONTRACEABLE`); this module
//! decides whether an item code qualifies.

use crate::error::{Definition, Field, Invalid, SeriesError};
use crate::input::Value;

/// Where the documented physical-goods list keeps what [`Good`] reads:
/// each entry's `product` (an entry may also be the product itself) holds
/// `code` and `alternative_code`, and its `product_type` holds
/// `classification` and `physical_good_type`; a list given as the whole
/// response keeps its entries in `data`.
pub struct CatalogShape {
    /// The response's list of entries.
    pub list: &'static str,
    /// An entry's product.
    pub product: &'static str,
    /// A product's type.
    pub product_type: &'static str,
    /// A product's codes: `code`, `alternative_code`.
    pub codes: [&'static str; 2],
    /// A type's fields: `classification`, `physical_good_type`.
    pub types: [&'static str; 2],
}

/// The documented catalog's shape (seed 002).
pub const CATALOG: CatalogShape = CatalogShape {
    list: "data",
    product: "product",
    product_type: "product_type",
    codes: ["code", "alternative_code"],
    types: ["classification", "physical_good_type"],
};

/// One catalog entry, as read from the host's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Good<'a> {
    /// `product.code`
    pub code: &'a str,
    /// `product.alternative_code`
    pub alternative_code: &'a str,
    /// `product.product_type.classification`
    pub classification: &'a str,
    /// `product.product_type.physical_good_type`
    pub physical_good_type: &'a str,
}

/// Whether `item_code` names a traceable physical good of the catalog
/// (matched on `code` or `alternative_code`); the issue when it does not.
///
/// ```
/// use seriesguard::{input::Value, profiles::crm::{traceable, Good}};
/// let catalog = [Good { code: "Smartcard 1", alternative_code: "SC1", classification: "PHYSICALGOODS", physical_good_type: "TRACEABLE" }];
/// assert!(traceable(&catalog, Value::Text("SC1")).is_ok());
/// assert_eq!(traceable(&catalog, Value::Text("Decoders 1")).unwrap_err().code(), "ITEM_CODE_UNKNOWN");
/// ```
pub fn traceable(catalog: &[Good<'_>], item_code: Value<'_>) -> Result<(), SeriesError> {
    let code = match item_code {
        Value::Absent => {
            return Err(SeriesError::Required {
                field: Field::ItemCode,
            })
        }
        Value::Text(t) if t.trim().is_empty() => {
            return Err(SeriesError::Required {
                field: Field::ItemCode,
            })
        }
        Value::Text(t) => t.trim(),
        other => {
            return Err(SeriesError::Invalid {
                field: Field::ItemCode,
                reason: Invalid::NotText(other.kind()),
            })
        }
    };
    let good = catalog
        .iter()
        .find(|g| g.code == code || (!g.alternative_code.is_empty() && g.alternative_code == code))
        .ok_or(SeriesError::Defined(&ITEM_CODE_UNKNOWN))?;
    if good.classification == "PHYSICALGOODS" && good.physical_good_type == "TRACEABLE" {
        Ok(())
    } else {
        Err(SeriesError::Defined(&ITEM_CODE_NOT_TRACEABLE))
    }
}

/// The item code is in no catalog entry.
pub const ITEM_CODE_UNKNOWN: Definition = Definition {
    code: "ITEM_CODE_UNKNOWN",
    field: Field::ItemCode,
    message: "item_code is not in the catalog of physical goods",
};

/// The item code names a good that is not a traceable physical good.
pub const ITEM_CODE_NOT_TRACEABLE: Definition = Definition {
    code: "ITEM_CODE_NOT_TRACEABLE",
    field: Field::ItemCode,
    message: "item_code must name a TRACEABLE physical good (only those carry serial numbers)",
};
