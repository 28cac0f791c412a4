//! The clients list and client search.

use serde_json::Value;

use crate::record::RecordKind;
use crate::search_fold::fold_for_search;
use crate::store::{Listing, Store};
use crate::uic;
use crate::Result;

/// All clients, sorted by alias (diacritics and case ignored).
pub fn list_clients(store: &mut Store) -> Result<Listing> {
    let mut listing = store.list(RecordKind::Client)?;
    sort_by_alias(&mut listing);
    Ok(listing)
}

fn sort_by_alias(listing: &mut Listing) {
    listing.records.sort_by(|a, b| {
        a.folded_alias()
            .cmp(&b.folded_alias())
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// What the clients screen searches by; every given criterion must match.
#[derive(Debug, Clone, Default)]
pub struct ClientSearch {
    /// The beginning of an alias or of any word in it, or a whole identifier code.
    pub text: Option<String>,
    /// A named area or hotspot, matched exactly (case and diacritics ignored).
    pub area: Option<String>,
}

/// The clients matching `search`, sorted by alias. A whole identifier code is looked up through the keyed
/// index; any other text matches the start of the alias or of a word in it.
pub fn search_clients(store: &mut Store, search: &ClientSearch) -> Result<Listing> {
    let text = search
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    // A well-formed code goes through the keyed index; anything else is an alias.
    if let Some(code) = text.and_then(|t| uic::parse_uic(t).ok()) {
        let mut listing = Listing {
            records: store
                .clients_by_uic(&code)?
                .into_iter()
                .filter(|client| area_matches(search.area.as_deref(), client.values.get("area")))
                .collect(),
            unreadable: Vec::new(),
        };
        sort_by_alias(&mut listing);
        return Ok(listing);
    }
    let mut listing = store.list(RecordKind::Client)?;
    let prefix = text.map(fold_for_search);
    listing.records.retain(|client| {
        let alias_ok = match &prefix {
            None => true,
            Some(prefix) => {
                let alias = client.folded_alias();
                alias.starts_with(prefix.as_str())
                    || alias
                        .split_whitespace()
                        .any(|word| word.starts_with(prefix.as_str()))
            }
        };
        alias_ok && area_matches(search.area.as_deref(), client.values.get("area"))
    });
    sort_by_alias(&mut listing);
    Ok(listing)
}

fn area_matches(wanted: Option<&str>, actual: Option<&Value>) -> bool {
    match wanted {
        None => true,
        Some(wanted) => actual
            .and_then(Value::as_str)
            .is_some_and(|a| fold_for_search(a) == fold_for_search(wanted)),
    }
}
