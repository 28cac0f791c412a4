//! The write path: a worker's change is validated against its kind's form,
//! turned into a version, merged into the record's head and audited, in one
//! transaction ([`WriteTx`]). Versions from other devices merge here too.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::audit::AuditAction;
use super::records::{self, Origin};
use super::write_tx::WriteTx;
use super::{client_codes, links, Role, Store, WriteOptions};
use crate::forms::FormRegistry;
use crate::record::{meta_fields, RecordId, RecordKind, RecordState, RecordVersion, VersionId};
use crate::store::view::RecordView;
use crate::{Error, Result};
use std::sync::Arc;

impl Store {
    /// Validates and stores a new record; returns its id.
    pub fn add(
        &mut self,
        kind: RecordKind,
        input: &Map<String, Value>,
        options: WriteOptions,
    ) -> Result<RecordId> {
        let mut ids = self.add_many(std::slice::from_ref(&(kind, input.clone())), options)?;
        Ok(ids.remove(0))
    }

    /// Adds many records in one transaction: all are stored, or none.
    pub fn add_many(
        &mut self,
        items: &[(RecordKind, Map<String, Value>)],
        options: WriteOptions,
    ) -> Result<Vec<RecordId>> {
        let writer = self.writer(options)?;
        let mut w = self.begin_write_with_room()?;
        let mut ids = Vec::with_capacity(items.len());
        for (kind, input) in items {
            let id = RecordId::make();
            let version = writer
                .prepare(&mut w, *kind, id, None, input)?
                .ok_or_else(|| Error::InvalidInput("nothing to store".into()))?;
            records::apply_version(&w.tx, w.keys, &version, Origin::Local)?;
            w.audit_version(AuditAction::Create, &version)?;
            ids.push(id);
        }
        w.commit()?;
        Ok(ids)
    }

    /// Changes some fields of a record (`null` clears one). Returns the new
    /// view; a change that changes nothing writes nothing.
    pub fn update(
        &mut self,
        id: RecordId,
        input: &Map<String, Value>,
        options: WriteOptions,
    ) -> Result<RecordView> {
        let writer = self.writer(options)?;
        let mut w = self.begin_write_with_room()?;
        let (kind, state) =
            records::load_state(&w.tx, w.keys, id)?.ok_or(Error::RecordNotFound { id })?;
        if !w.keys.holds(kind.sensitivity()) {
            return Err(Error::RecordNotFound { id });
        }
        let view = match writer.prepare(&mut w, kind, id, Some(&state), input)? {
            None => RecordView::from_state(id, kind, &state),
            Some(version) => {
                let view = records::apply_version(&w.tx, w.keys, &version, Origin::Local)?
                    .ok_or_else(|| Error::InvalidInput("version already stored".into()))?;
                w.audit_version(AuditAction::Update, &version)?;
                view
            }
        };
        w.commit()?;
        Ok(view)
    }

    /// Deletes a record: a tombstone that syncs and merges like any field. Its
    /// history stays.
    pub fn delete(&mut self, id: RecordId) -> Result<()> {
        let role = self.role;
        let mut w = self.begin_write_with_room()?;
        let (kind, state) =
            records::load_state(&w.tx, w.keys, id)?.ok_or(Error::RecordNotFound { id })?;
        if !role.may_write(kind) {
            return Err(Error::NotPermitted(kind));
        }
        let stamp = w.stamp();
        let mut fields = BTreeMap::new();
        fields.insert(
            meta_fields::DELETED.to_string(),
            state.make_write(meta_fields::DELETED, Value::Bool(true), stamp),
        );
        let version = RecordVersion {
            version_id: VersionId::make(),
            record_id: id,
            kind,
            stamp,
            form_version: written_with(&state),
            fields,
        };
        records::apply_version(&w.tx, w.keys, &version, Origin::Local)?;
        w.audit_version(AuditAction::Delete, &version)?;
        w.commit()
    }

    /// Merges a version received from another device (sync).
    pub fn apply_received(&mut self, version: &RecordVersion) -> Result<Option<RecordView>> {
        let mut w = self.begin_write_with_room()?;
        w.observe(version.stamp.hlc);
        let view = records::apply_version(&w.tx, w.keys, version, Origin::Received)?;
        w.commit()?;
        Ok(view)
    }

    fn writer(&mut self, options: WriteOptions) -> Result<Writer> {
        Ok(Writer {
            role: self.role,
            today: self.clock.today(),
            options,
            forms: self.forms()?,
        })
    }
}

/// The form version a record was written with; a record from before
/// versions were kept was written with the built-in version 1.
fn written_with(state: &RecordState) -> u32 {
    state
        .value(meta_fields::FORM_VERSION)
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(1)
}

/// What every version written in one call shares.
#[derive(Clone)]
struct Writer {
    role: Role,
    today: chrono::NaiveDate,
    options: WriteOptions,
    /// New records use each kind's newest form; a change to a record
    /// validates under the version the record was written with.
    forms: Arc<FormRegistry>,
}

impl Writer {
    /// Validates a change against the kind's form and turns it into a
    /// version: `None` when it changes nothing.
    fn prepare(
        &self,
        w: &mut WriteTx<'_>,
        kind: RecordKind,
        id: RecordId,
        base: Option<&RecordState>,
        input: &Map<String, Value>,
    ) -> Result<Option<RecordVersion>> {
        if !self.role.may_write(kind) {
            return Err(Error::NotPermitted(kind));
        }
        w.keys.check_writable(kind)?;
        let known = match base {
            None => Some(self.forms.current(kind)),
            Some(state) => self.forms.version(kind, written_with(state)),
        };
        let form = &known
            .ok_or_else(|| Error::FormNotKnown {
                kind,
                version: base.map_or(0, written_with),
            })?
            .definition;
        let base_values: Option<Map<String, Value>> = base.map(|state| {
            state
                .values()
                .into_iter()
                .filter(|(k, _)| !meta_fields::is_meta(k))
                .collect()
        });
        let validated =
            form.validate(input, base_values.as_ref(), self.today, self.options.lang)?;
        let mut values = validated.values;
        if kind == RecordKind::Client {
            client_codes::assign(
                &w.tx,
                w.keys,
                id,
                base_values.as_ref(),
                &mut values,
                &validated.input_only,
                self.options,
            )?;
        }
        links::check(&w.tx, form, &values)?;

        let stored_form_version = base
            .and_then(|s| s.value(meta_fields::FORM_VERSION))
            .and_then(Value::as_u64);
        let form_version_current = stored_form_version == Some(form.version as u64);
        if values.is_empty() && (form_version_current || base.is_some()) {
            return Ok(None);
        }
        if base.is_none() {
            values.insert(meta_fields::CREATED_BY.to_string(), Value::Bool(true));
        }
        if !form_version_current {
            values.insert(
                meta_fields::FORM_VERSION.to_string(),
                Value::from(form.version),
            );
        }
        let stamp = w.stamp();
        let empty = RecordState::default();
        let state = base.unwrap_or(&empty);
        let fields = values
            .into_iter()
            .map(|(key, value)| {
                let write = state.make_write(&key, value, stamp);
                (key, write)
            })
            .collect();
        Ok(Some(RecordVersion {
            version_id: VersionId::make(),
            record_id: id,
            kind,
            stamp,
            form_version: form.version,
            fields,
        }))
    }
}
