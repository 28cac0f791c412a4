//! The forms a device knows: the built-in version 1 of each kind, and the
//! newer versions its team's supervisors published. New records use each
//! kind's newest; a record keeps, shows and validates under the version it
//! was written with, so every version a record may name stays known.

use super::builtin;
use super::compat::{check_successor, Incompatible};
use super::definition::FormDefinition;
use crate::record::kind::RecordKind;
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// Who published a form version, from its roster link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    /// The supervisor device that signed it.
    pub signed_by: Uuid,
    /// The signer's clock when it signed, in milliseconds since 1970.
    pub signed_at_ms: i64,
    /// The roster link that published it.
    pub seq: u64,
}

/// One version of one kind's form.
#[derive(Debug, Clone)]
pub struct KnownForm {
    /// The checked definition.
    pub definition: Arc<FormDefinition>,
    /// `None` for a built-in form.
    pub publication: Option<Publication>,
}

/// Every form version a device knows, by kind and version.
#[derive(Debug, Clone)]
pub struct FormRegistry {
    forms: BTreeMap<(RecordKind, u32), KnownForm>,
}

impl Default for FormRegistry {
    fn default() -> Self {
        FormRegistry::builtin()
    }
}

impl FormRegistry {
    /// The built-in forms alone.
    pub fn builtin() -> FormRegistry {
        let forms = builtin::all()
            .map(|d| {
                let known = KnownForm {
                    definition: Arc::new(d.clone()),
                    publication: None,
                };
                ((d.kind, d.version), known)
            })
            .collect();
        FormRegistry { forms }
    }

    /// Adds a published version, when it may follow the kind's newest.
    pub fn adopt(
        &mut self,
        definition: FormDefinition,
        publication: Publication,
    ) -> Result<(), Vec<Incompatible>> {
        check_successor(&self.current(definition.kind).definition, &definition)?;
        let key = (definition.kind, definition.version);
        self.forms.insert(
            key,
            KnownForm {
                definition: Arc::new(definition),
                publication: Some(publication),
            },
        );
        Ok(())
    }

    /// The newest version of a kind's form: what new records use.
    pub fn current(&self, kind: RecordKind) -> &KnownForm {
        self.forms
            .range((kind, 0)..=(kind, u32::MAX))
            .next_back()
            .map(|(_, known)| known)
            .expect("the registry holds every kind's built-in form")
    }

    /// A given version of a kind's form, if this device knows it.
    pub fn version(&self, kind: RecordKind, version: u32) -> Option<&KnownForm> {
        self.forms.get(&(kind, version))
    }

    /// Every version of every kind, by kind and then version.
    pub fn all(&self) -> impl Iterator<Item = &KnownForm> {
        self.forms.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::definition::FormSpec;

    fn version_of(kind: RecordKind, version: u32) -> FormDefinition {
        let mut spec = FormSpec::from(builtin::definition(kind).clone());
        spec.version = version;
        FormDefinition::try_from(spec).unwrap()
    }

    fn publication(seq: u64) -> Publication {
        Publication {
            signed_by: Uuid::nil(),
            signed_at_ms: 0,
            seq,
        }
    }

    #[test]
    fn the_newest_version_is_current_and_every_version_stays_known() {
        let mut registry = FormRegistry::builtin();
        assert_eq!(registry.current(RecordKind::Contact).definition.version, 1);
        registry
            .adopt(version_of(RecordKind::Contact, 2), publication(5))
            .unwrap();
        registry
            .adopt(version_of(RecordKind::Contact, 4), publication(9))
            .unwrap();
        let current = registry.current(RecordKind::Contact);
        assert_eq!(current.definition.version, 4);
        assert_eq!(current.publication, Some(publication(9)));
        assert!(registry
            .version(RecordKind::Contact, 1)
            .unwrap()
            .publication
            .is_none());
        assert!(registry.version(RecordKind::Contact, 2).is_some());
        assert!(registry.version(RecordKind::Contact, 3).is_none());
        assert_eq!(registry.current(RecordKind::Client).definition.version, 1);
        assert_eq!(registry.all().count(), RecordKind::ALL.len() + 2);
    }

    #[test]
    fn an_older_version_is_not_adopted() {
        let mut registry = FormRegistry::builtin();
        registry
            .adopt(version_of(RecordKind::Meeting, 3), publication(5))
            .unwrap();
        assert_eq!(
            registry
                .adopt(version_of(RecordKind::Meeting, 2), publication(6))
                .unwrap_err(),
            vec![Incompatible::NotNewer { current: 3 }]
        );
        assert_eq!(registry.current(RecordKind::Meeting).definition.version, 3);
    }
}
