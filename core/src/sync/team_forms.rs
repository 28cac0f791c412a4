//! A supervisor publishes a form to the team: checked against the form in
//! use, sealed under the team's outreach key, signed into the roster's
//! next link and sent to the hub like a policy. Every device adopts it once
//! it verifies that link (see `store::forms`); the hub can withhold it,
//! which only delays it, and can neither read nor change it.

use fieldbook_proto::endpoint::AppendRoster;
use fieldbook_proto::roster::AppendRosterRequest;
use fieldbook_trust::{Entry, Link};
use std::sync::atomic::AtomicBool;

use super::engine::client_for;
use super::team::{moved, on_hub, refresh_roster, refused_links, SIGN_ATTEMPTS};
use super::transport::RetryPolicy;
use crate::error::SupervisorTask;
use crate::forms::{check_successor, FormDefinition, Publication};
use crate::store::{Role, Store};
use crate::{Error, Result};

/// Publishes `form` as the team's form of its kind (supervisors only), once
/// the roster's newest form of that kind may be replaced by it. Returns the
/// publication as the roster holds it. Publishing the same version again,
/// after an answer was lost, finds it published and returns it.
pub fn publish_form(store: &mut Store, form: &FormDefinition) -> Result<Publication> {
    if store.role() != Role::Supervisor {
        return Err(Error::SupervisorOnly(SupervisorTask::PublishForm));
    }
    let client = client_for(store, RetryPolicy::default())?;
    let cancel = AtomicBool::new(false);
    let mut attempt = 0;
    loop {
        attempt += 1;
        refresh_roster(store, &client, &cancel)?;
        let roster = store.roster()?.ok_or(Error::NoRoster)?;
        if let Some(published) = already_published(store, form)? {
            return Ok(published);
        }
        let current = store.current_form(form.kind)?;
        check_successor(&current, form).map_err(Error::FormIncompatible)?;
        let (epoch, sealed) = store.seal_form(form)?;
        let entry = Entry::Form {
            kind: form.kind,
            version: form.version,
            epoch,
            sealed,
        };
        let links = store.sign_entries(&roster, vec![entry])?;
        let request = AppendRosterRequest {
            links: links.iter().map(Link::to_wire).collect(),
        };
        match client.call::<AppendRoster>(&request, &cancel) {
            Ok(()) => {
                // This device uses it now, or at its next sync when this
                // refresh cannot; only an erasure outranks the news.
                if let Err(Error::Erased) = refresh_roster(store, &client, &cancel) {
                    return Err(Error::Erased);
                }
                let statement = links[0].decode_statement()?;
                return Ok(Publication {
                    signed_by: store.device_id().0,
                    signed_at_ms: statement.at_ms,
                    seq: links[0].seq,
                });
            }
            Err(e) if (moved(&e) || refused_links(&e)) && attempt < SIGN_ATTEMPTS => continue,
            Err(e) => return on_hub(store, &client, Err(e)),
        }
    }
}

/// The publication of this very form, when the roster holds it already
/// (this write landed with its answer lost).
fn already_published(store: &mut Store, form: &FormDefinition) -> Result<Option<Publication>> {
    let forms = store.forms()?;
    let Some(known) = forms.version(form.kind, form.version) else {
        return Ok(None);
    };
    let same = crate::forms::FormSpec::from((*known.definition).clone())
        == crate::forms::FormSpec::from(form.clone());
    match known.publication {
        Some(publication) if same => Ok(Some(publication)),
        _ => Ok(None),
    }
}
