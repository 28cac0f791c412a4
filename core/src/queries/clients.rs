//! The clients list and client search.

use crate::record::RecordKind;
use crate::search_fold::fold_for_search;
use crate::store::{ListRow, RecordView, RowListing, Store};
use crate::uic;
use crate::Result;

/// All clients, sorted by alias (diacritics and case ignored).
pub fn list_clients(store: &mut Store) -> Result<RowListing> {
    let mut listing = store.list_rows(RecordKind::Client)?;
    sort_rows_by_alias(&mut listing.rows);
    Ok(listing)
}

/// Unstable: ids are unique, so the order is total, and it sorts in place
/// (a stable sort borrows half the list again).
fn sort_rows_by_alias(rows: &mut [ListRow]) {
    rows.sort_unstable_by(|a, b| {
        a.folded_alias
            .cmp(&b.folded_alias)
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// Clients read in full (an export, the CLI's listing) in the lists' order.
pub fn sort_by_alias(clients: &mut [RecordView]) {
    clients.sort_by(|a, b| {
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
pub fn search_clients(store: &mut Store, search: &ClientSearch) -> Result<RowListing> {
    let text = search
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let area = search.area.as_deref().map(fold_for_search);
    let in_area = |row: &ListRow| match &area {
        None => true,
        Some(wanted) => row
            .area
            .as_deref()
            .is_some_and(|a| fold_for_search(a) == *wanted),
    };
    // A well-formed code goes through the keyed index; anything else is an alias.
    if let Some(code) = text.and_then(|t| uic::parse_uic(t).ok()) {
        let mut rows: Vec<ListRow> = store
            .clients_by_uic(&code)?
            .iter()
            .map(ListRow::of)
            .filter(|row| in_area(row))
            .collect();
        sort_rows_by_alias(&mut rows);
        return Ok(RowListing {
            rows,
            unreadable: Vec::new(),
        });
    }
    let mut listing = store.list_rows(RecordKind::Client)?;
    let prefix = text.map(fold_for_search);
    listing.rows.retain(|row| {
        prefix
            .as_deref()
            .is_none_or(|prefix| row.alias_starts_with(prefix))
            && in_area(row)
    });
    sort_rows_by_alias(&mut listing.rows);
    Ok(listing)
}
