//! The forms a store knows: the built-in ones, and those its team's
//! supervisors published in the signed roster. A published form travels
//! sealed under the team's outreach key (every role holds it) and signed
//! in its roster link, so the hub can neither read nor change it.
//!
//! The registry is built from the verified roster when first needed after
//! an unlock, and built again when the roster or the team keys change.

use super::Store;
use crate::crypto::{open_json, seal_json, Domain, KeyPurpose, Padding, SecretKey};
use crate::forms::{FormDefinition, FormRegistry, FormSpec, Publication};
use crate::record::{RecordKind, SensitivityClass};
use crate::{Error, Result};
use fieldbook_proto::vocab::KeyClass;
use fieldbook_trust::FormLink;
use std::sync::Arc;

/// A published form a device did not adopt, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedForm {
    /// The kind its link names.
    pub kind: RecordKind,
    /// The version its link names.
    pub version: u32,
    /// The roster link that published it.
    pub seq: u64,
    /// Why, in English.
    pub reason: String,
}

/// The registry and the refusals met building it.
#[derive(Debug, Clone)]
pub(super) struct KnownForms {
    registry: Arc<FormRegistry>,
    refused: Vec<RefusedForm>,
}

/// The class whose key seals published forms: every role holds it.
const FORM_CLASS: SensitivityClass = SensitivityClass::Outreach;

impl Store {
    /// Every form version this store knows; each kind's newest is current.
    pub fn forms(&mut self) -> Result<Arc<FormRegistry>> {
        Ok(Arc::clone(&self.known_forms()?.registry))
    }

    /// The published forms this device could not adopt, and why: a form
    /// sealed under a key it lacks, one that does not open or check, or one
    /// that may not follow the version in use.
    pub fn refused_forms(&mut self) -> Result<Vec<RefusedForm>> {
        Ok(self.known_forms()?.refused.clone())
    }

    /// The form new records of `kind` are written with.
    pub fn current_form(&mut self, kind: RecordKind) -> Result<Arc<FormDefinition>> {
        Ok(Arc::clone(&self.forms()?.current(kind).definition))
    }

    /// The form version a record was written with, which it shows and
    /// validates under.
    pub fn form_version(&mut self, kind: RecordKind, version: u32) -> Result<Arc<FormDefinition>> {
        self.forms()?
            .version(kind, version)
            .map(|known| Arc::clone(&known.definition))
            .ok_or(Error::FormNotKnown { kind, version })
    }

    /// Seals a definition for a form link: under the outreach key of the
    /// newest epoch this device holds. Returns the epoch and the sealed bytes.
    pub(crate) fn seal_form(&mut self, form: &FormDefinition) -> Result<(u32, Vec<u8>)> {
        let team = self.team.0;
        let (_, keys) = self.unlocked()?;
        let key = keys
            .team_keys()
            .iter()
            .filter(|k| k.class == KeyClass::Sealing(FORM_CLASS))
            .max_by_key(|k| k.epoch)
            .ok_or(Error::Locked)?;
        let aad = Domain::form_aad(&team, form.kind.as_str(), form.version, key.epoch);
        let spec = FormSpec::from(form.clone());
        let sealed = seal_json(
            &key.key.derive_subkey(KeyPurpose::FormSeal),
            &aad,
            &spec,
            Padding::Bucket,
        )?;
        Ok((key.epoch, sealed))
    }

    /// Forgets the registry: the roster or the team keys changed, or the
    /// store locked.
    pub(super) fn forget_forms(&mut self) {
        self.forms = None;
    }

    fn known_forms(&mut self) -> Result<&KnownForms> {
        if self.forms.is_none() {
            let built = self.build_forms()?;
            self.forms = Some(built);
        }
        self.forms.as_ref().ok_or(Error::Locked)
    }

    fn build_forms(&mut self) -> Result<KnownForms> {
        let mut registry = FormRegistry::builtin();
        let mut refused = Vec::new();
        let Some(roster) = self.roster()? else {
            return Ok(KnownForms {
                registry: Arc::new(registry),
                refused,
            });
        };
        let team = self.team.0;
        let (_, keys) = self.unlocked()?;
        for link in roster.form_links() {
            let refuse = |reason: String| RefusedForm {
                kind: link.kind,
                version: link.version,
                seq: link.seq,
                reason,
            };
            let key = keys
                .team_keys()
                .iter()
                .find(|k| k.class == KeyClass::Sealing(FORM_CLASS) && k.epoch == link.epoch);
            let Some(key) = key else {
                refused.push(refuse(format!(
                    "sealed under the key of epoch {}, which this device does not hold yet",
                    link.epoch
                )));
                continue;
            };
            match open_form(&key.key, team, link) {
                Err(reason) => refused.push(refuse(reason)),
                Ok(form) => {
                    let publication = Publication {
                        signed_by: link.signed_by,
                        signed_at_ms: link.signed_at_ms,
                        seq: link.seq,
                    };
                    if let Err(problems) = registry.adopt(form, publication) {
                        let why: Vec<String> = problems.iter().map(|p| p.message()).collect();
                        refused.push(refuse(why.join("; ")));
                    }
                }
            }
        }
        Ok(KnownForms {
            registry: Arc::new(registry),
            refused,
        })
    }
}

/// Opens and checks a form link's definition.
fn open_form(
    team_key: &SecretKey,
    team: uuid::Uuid,
    link: &FormLink,
) -> std::result::Result<FormDefinition, String> {
    let aad = Domain::form_aad(&team, link.kind.as_str(), link.version, link.epoch);
    let spec: FormSpec = open_json(
        &team_key.derive_subkey(KeyPurpose::FormSeal),
        &aad,
        &link.sealed,
    )
    .map_err(|_| "it does not open under the team's key".to_string())?;
    let form = FormDefinition::try_from(spec).map_err(|e| e.to_string())?;
    if form.kind != link.kind || form.version != link.version {
        return Err(format!(
            "it holds the {} form version {}, not what its link names",
            form.kind, form.version
        ));
    }
    Ok(form)
}
