//! Validating a new record or a change against its form: the one entry point
//! through which every value reaches the store.
//!
//! Order of work, each step on the candidate record (base overlaid with input):
//! 1. each input key: known? user-settable? readable as the field's type?
//!    within its limits? (In an update, a value equal to the stored one is
//!    no change and is not read again: a record written by an older
//!    version stays editable when a shell sends every value back.)
//! 2. new records only: defaults for absent fields;
//! 3. skip logic, top to bottom: a field whose `relevant` expression is false
//!    loses its value (a value the user just gave is an error, one kept from
//!    the base is cleared);
//! 4. required fields (only where relevant) must have a value: the record
//!    after the change must be complete;
//! 5. cross-field `constraint`s hold for every relevant field with a value.
//!
//! At most one error is reported per field, the first found. A rule that
//! reads a field already in error is not judged (its verdict would be
//! noise): a malformed consent date does not also make the consent scope
//! "not applicable" or "required", and fields whose relevance hangs on such
//! a rule are unsettled in turn.

use super::definition::{Choice, FieldDef, FieldType, FormDefinition, NOW, TODAY};
use super::error::{FieldError, Problem, ValidationErrors};
use super::expr::Expr;
use super::messages::field_error;
use super::normalize::{check_limits, format_date, format_datetime, parse_value};
use super::scope::{ChoiceScope, RecordScope};
use crate::lang::Lang;
use chrono::{NaiveDate, Utc};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// What to write for a valid input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validated {
    /// Canonical values to write for this change. For a new record, every
    /// stored field with a value (defaults included); for an update, only
    /// the fields whose value changes, with `Value::Null` for a field cleared
    /// (by the user, or because skip logic no longer shows it).
    pub values: Map<String, Value>,
    /// Values of `input_only` fields (e.g. the UIC inputs), for the writer to
    /// use and drop; never stored.
    pub input_only: Map<String, Value>,
}

impl FormDefinition {
    /// Validates `input` as a new record (`base` = `None`) or as a change to
    /// the record whose current values are `base`. In an update, an input
    /// value of JSON `null` clears the field. `today` resolves `"today"` in
    /// defaults, bounds and `today()`; messages are written in `lang`.
    pub fn validate(
        &self,
        input: &Map<String, Value>,
        base: Option<&Map<String, Value>>,
        today: NaiveDate,
        lang: Lang,
    ) -> Result<Validated, ValidationErrors> {
        let mut run = Run {
            form: self,
            lang,
            errors: Vec::new(),
            failed: HashSet::new(),
        };
        let empty = Map::new();
        let mut draft = Draft {
            form: self,
            today,
            is_new: base.is_none(),
            // A merged base may hold null for a cleared field: that is no value.
            // Input-only values join the candidate, so expressions can see them.
            candidate: base
                .unwrap_or(&empty)
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            given: HashSet::new(),
        };
        let base = base.unwrap_or(&empty);
        draft.read_input(&mut run, input, base);
        if draft.is_new {
            draft.add_defaults(&run);
        }
        let (relevant, unsettled) = draft.decide_relevance(&mut run);
        draft.check_required(&mut run, &relevant);
        draft.check_constraints(&mut run, &relevant, &unsettled);
        draft.check_choice_filters(&mut run, &relevant, &unsettled);
        if !run.errors.is_empty() {
            return Err(run.into_errors());
        }
        Ok(self.output(&draft.candidate, base, draft.is_new, &draft.given))
    }

    /// The keys of the fields a form shows for these (possibly partial,
    /// not yet validated) values, in form order: what a shell draws as the
    /// user types. Fields no one draws (system, hidden, calculate) are never
    /// shown; calculations are worked out so the rules below them see them.
    pub fn visible_fields(&self, values: &Map<String, Value>, today: NaiveDate) -> Vec<&str> {
        let candidate = self.typed_candidate(values);
        let mut draft = Draft {
            form: self,
            today,
            is_new: false,
            candidate,
            given: HashSet::new(),
        };
        let mut run = Run {
            form: self,
            lang: Lang::En,
            errors: Vec::new(),
            failed: HashSet::new(),
        };
        let (relevant, _) = draft.decide_relevance(&mut run);
        self.fields
            .iter()
            .zip(relevant)
            .filter(|(field, r)| *r == Relevance::Shown && field.is_drawn())
            .map(|(field, _)| field.key.as_str())
            .collect()
    }

    /// The values of `key`'s choices its `choice_filter` offers for these
    /// (possibly partial) values, in form order: every choice without a filter.
    pub fn visible_choices(
        &self,
        key: &str,
        values: &Map<String, Value>,
        today: NaiveDate,
    ) -> Vec<&str> {
        let Some(index) = self.index_of(key) else {
            return Vec::new();
        };
        let field = &self.fields[index];
        let candidate = self.typed_candidate(values);
        let scope = RecordScope {
            form: self,
            values: &candidate,
            today,
        };
        field
            .choices
            .iter()
            .filter(|c| choice_offered(self, index, c, &scope))
            .map(|c| c.value.as_str())
            .collect()
    }

    /// The values a shell sent that read as their fields' types.
    fn typed_candidate(&self, values: &Map<String, Value>) -> Map<String, Value> {
        let mut candidate = Map::new();
        for (key, raw) in values {
            if let Some(Ok(Some(value))) = self.field(key).map(|f| parse_value(f, raw)) {
                candidate.insert(key.clone(), value);
            }
        }
        candidate
    }

    fn output(
        &self,
        candidate: &Map<String, Value>,
        base: &Map<String, Value>,
        is_new: bool,
        given: &HashSet<&str>,
    ) -> Validated {
        let mut out = Validated::default();
        for field in &self.fields {
            let now = candidate.get(&field.key);
            if field.input_only {
                if let (Some(v), true) = (now, given.contains(field.key.as_str())) {
                    out.input_only.insert(field.key.clone(), v.clone());
                }
                continue;
            }
            let before = if is_new { None } else { base.get(&field.key) };
            let before = before.filter(|b| !b.is_null());
            match (before, now) {
                (Some(b), Some(n)) if b == n => {}
                (_, Some(n)) => {
                    out.values.insert(field.key.clone(), n.clone());
                }
                (Some(_), None) => {
                    out.values.insert(field.key.clone(), Value::Null);
                }
                (None, None) => {}
            }
        }
        out
    }
}

/// A record's values as validation settles them, step by step.
struct Draft<'a> {
    form: &'a FormDefinition,
    today: NaiveDate,
    is_new: bool,
    /// The values the record would have: the base, changed by the input.
    candidate: Map<String, Value>,
    /// The fields the input gave a value.
    given: HashSet<&'a str>,
}

impl<'a> Draft<'a> {
    fn scope(&self) -> RecordScope<'_> {
        RecordScope {
            form: self.form,
            values: &self.candidate,
            today: self.today,
        }
    }

    /// Reads each input value against its field.
    fn read_input(
        &mut self,
        run: &mut Run,
        input: &'a Map<String, Value>,
        base: &Map<String, Value>,
    ) {
        let form = self.form;
        for (key, raw) in input {
            let Some(field) = form.field(key) else {
                run.fail(key, Problem::UnknownField);
                continue;
            };
            // Echoing the current value back is harmless, and is no change.
            let unchanged = base.get(key).unwrap_or(&Value::Null) == raw;
            if !field.is_settable() {
                if !unchanged {
                    run.fail(key, Problem::Readonly);
                }
                continue;
            }
            if unchanged && !self.is_new && !raw.is_null() {
                continue;
            }
            let index = form.index_of(key).unwrap_or_default();
            let pattern = form.compiled().fields[index].pattern.as_ref();
            let value = parse_value(field, raw).and_then(|value| {
                if let Some(v) = &value {
                    check_limits(field, v, pattern, self.today)?;
                }
                Ok(value)
            });
            match value {
                Err(problem) => run.fail(key, problem),
                Ok(Some(value)) => {
                    self.given.insert(key);
                    self.candidate.insert(key.clone(), value);
                }
                Ok(None) => {
                    self.candidate.remove(key);
                }
            }
        }
    }

    /// A new record's defaults, where the input gave nothing.
    fn add_defaults(&mut self, run: &Run) {
        for field in &self.form.fields {
            if !self.candidate.contains_key(&field.key) && !run.failed.contains(&field.key) {
                if let Some(value) = default_value(field, self.today) {
                    self.candidate.insert(field.key.clone(), value);
                }
            }
        }
    }

    /// Skip logic and calculations. Both refer only to fields above, which
    /// are already settled, so one pass in order decides every field: its
    /// groups' rules, its own, then its calculation. Also returns the
    /// unsettled fields: those in error, and those whose rule or
    /// calculation reads one.
    fn decide_relevance(&mut self, run: &mut Run) -> (Vec<Relevance>, HashSet<String>) {
        let form = self.form;
        let compiled = form.compiled();
        let mut unsettled: HashSet<String> = run.failed.clone();
        let mut relevant = vec![Relevance::Shown; form.fields.len()];
        let mut groups: Vec<Option<Relevance>> = vec![None; form.groups.len()];
        for (i, field) in form.fields.iter().enumerate() {
            let mut decided = Relevance::Shown;
            let rules = compiled.fields[i]
                .groups
                .iter()
                .map(|&g| (Some(g), compiled.groups[g].as_ref()))
                .chain([(None, compiled.fields[i].relevant.as_ref())]);
            for (group, rule) in rules {
                let verdict = match group.and_then(|g| groups[g]) {
                    Some(known) => known,
                    None => {
                        let verdict = self.judge(rule, &unsettled);
                        if let Some(g) = group {
                            groups[g] = Some(verdict);
                        }
                        verdict
                    }
                };
                if verdict != Relevance::Shown {
                    decided = verdict;
                    break;
                }
            }
            relevant[i] = decided;
            match decided {
                Relevance::Unknown => {
                    unsettled.insert(field.key.clone());
                }
                Relevance::Hidden => {
                    if self.given.contains(field.key.as_str()) {
                        run.fail(&field.key, Problem::NotApplicable);
                    }
                    self.candidate.remove(&field.key);
                }
                Relevance::Shown => {
                    if let Some(calculation) = &compiled.fields[i].calculation {
                        if calculation.fields().iter().any(|k| unsettled.contains(*k)) {
                            unsettled.insert(field.key.clone());
                        } else {
                            self.calculate(field, calculation);
                        }
                    }
                }
            }
        }
        (relevant, unsettled)
    }

    /// What one rule decides (no rule: shown).
    fn judge(&self, rule: Option<&Expr>, unsettled: &HashSet<String>) -> Relevance {
        match rule {
            None => Relevance::Shown,
            Some(expr) if expr.fields().iter().any(|k| unsettled.contains(*k)) => {
                Relevance::Unknown
            }
            Some(expr) if expr.holds(&self.scope(), None) => Relevance::Shown,
            Some(_) => Relevance::Hidden,
        }
    }

    /// Stores a calculation's value as text (unset when it is empty).
    fn calculate(&mut self, field: &FieldDef, calculation: &Expr) {
        let text = calculation.value(&self.scope(), None).as_string();
        if text.is_empty() {
            self.candidate.remove(&field.key);
        } else {
            self.candidate
                .insert(field.key.clone(), Value::String(text));
        }
    }

    /// Required fields. Input-only ones can only be given when the record
    /// is created: an update never has them in its base.
    fn check_required(&self, run: &mut Run, relevant: &[Relevance]) {
        for (i, field) in self.form.fields.iter().enumerate() {
            let shown = relevant[i] == Relevance::Shown;
            let needed = field.required && shown && (self.is_new || !field.input_only);
            if needed && !self.candidate.contains_key(&field.key) {
                run.fail(&field.key, Problem::Required);
            }
        }
    }

    /// Cross-field constraints, skipped where a field they read is unsettled
    /// (its value is unknown, the verdict would be noise).
    fn check_constraints(
        &self,
        run: &mut Run,
        relevant: &[Relevance],
        unsettled: &HashSet<String>,
    ) {
        for (i, field) in self.form.fields.iter().enumerate() {
            let Some(expr) = &self.form.compiled().fields[i].constraint else {
                continue;
            };
            if relevant[i] != Relevance::Shown
                || !self.candidate.contains_key(&field.key)
                || expr.fields().iter().any(|k| unsettled.contains(*k))
            {
                continue;
            }
            if !expr.holds(&self.scope(), Some(&field.key)) {
                run.fail(&field.key, Problem::ConstraintFailed);
            }
        }
    }

    /// Choices a `choice_filter` does not offer for the other answers,
    /// unless a field the filter reads is unsettled.
    fn check_choice_filters(
        &self,
        run: &mut Run,
        relevant: &[Relevance],
        unsettled: &HashSet<String>,
    ) {
        let form = self.form;
        for (i, field) in form.fields.iter().enumerate() {
            let Some(filter) = &form.compiled().fields[i].choice_filter else {
                continue;
            };
            let Some(value) = self.candidate.get(&field.key) else {
                continue;
            };
            if relevant[i] != Relevance::Shown
                || filter.fields().iter().any(|k| unsettled.contains(*k))
            {
                continue;
            }
            let chosen: Vec<&str> = match value {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let scope = self.scope();
            let refused = chosen.iter().any(|v| {
                field
                    .choice(v)
                    .is_none_or(|c| !choice_offered(form, i, c, &scope))
            });
            if refused {
                run.fail(&field.key, Problem::InvalidChoice);
            }
        }
    }
}

/// Whether the `choice_filter` of field `index` offers `choice` (a field
/// without a filter offers every choice).
fn choice_offered(
    form: &FormDefinition,
    index: usize,
    choice: &Choice,
    scope: &RecordScope,
) -> bool {
    let Some(filter) = &form.compiled().fields[index].choice_filter else {
        return true;
    };
    let scope = ChoiceScope {
        record: scope,
        choice,
    };
    filter.holds(&scope, None)
}

/// A field's default for a new record, with `"today"` / `"now"` resolved.
fn default_value(field: &FieldDef, today: NaiveDate) -> Option<Value> {
    if field.system || field.input_only {
        return None;
    }
    let default = field.default.as_ref()?;
    match (field.field_type, default.as_str()) {
        (FieldType::Date, Some(TODAY)) => Some(Value::String(format_date(today))),
        // The only reading of the clock in validation: an instant has no
        // day-level stand-in the caller could pass.
        (FieldType::Datetime, Some(NOW)) => Some(Value::String(format_datetime(Utc::now()))),
        _ => parse_value(field, default).ok().flatten(),
    }
}

/// What skip logic decided for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relevance {
    Shown,
    Hidden,
    /// Its rule reads a field in error: neither shown nor hidden.
    Unknown,
}

/// The errors of one validation, one per field.
struct Run<'a> {
    form: &'a FormDefinition,
    lang: Lang,
    errors: Vec<(Option<usize>, FieldError)>,
    failed: HashSet<String>,
}

impl Run<'_> {
    fn fail(&mut self, key: &str, problem: Problem) {
        if self.failed.insert(key.to_string()) {
            let position = self.form.index_of(key);
            let error = field_error(self.form, key, &problem, self.lang);
            self.errors.push((position, error));
        }
    }

    /// Unknown keys first (as given), then in the form's field order.
    fn into_errors(mut self) -> ValidationErrors {
        self.errors.sort_by_key(|(position, _)| *position);
        ValidationErrors(self.errors.into_iter().map(|(_, e)| e).collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::forms::definition::FormDefinition;
    use crate::forms::error::{FieldErrorCode, ValidationErrors};
    use crate::forms::{definition, Validated};
    use crate::lang::Lang;
    use crate::record::kind::RecordKind;
    use chrono::NaiveDate;
    use serde_json::{json, Map, Value};

    const CLIENT_ID: &str = "0192f0c4-7b7c-7a3e-8b8e-0f1e2d3c4b5a";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    fn create(kind: RecordKind, input: Value) -> Result<Validated, ValidationErrors> {
        definition(kind).validate(&map(input), None, today(), Lang::En)
    }

    fn update(kind: RecordKind, base: Value, input: Value) -> Result<Validated, ValidationErrors> {
        definition(kind).validate(&map(input), Some(&map(base)), today(), Lang::En)
    }

    fn ok(result: Result<Validated, ValidationErrors>) -> Validated {
        result.unwrap_or_else(|e| panic!("unexpected errors: {e}"))
    }

    fn codes(result: Result<Validated, ValidationErrors>) -> Vec<(String, FieldErrorCode)> {
        match result {
            Ok(v) => panic!("expected errors, got {v:?}"),
            Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    fn one(field: &str, code: FieldErrorCode) -> Vec<(String, FieldErrorCode)> {
        vec![(field.to_string(), code)]
    }

    #[test]
    fn minimal_client() {
        let v = ok(create(
            RecordKind::Client,
            json!({"alias": "Tí", "notes": "Gặp ở chợ", "sex": "male", "birth_year": 1990}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"alias": "Tí", "notes": "Gặp ở chợ", "sex": "male", "birth_year": 1990,
                   "status": "active"})
        );
        assert!(v.input_only.is_empty());
    }

    #[test]
    fn minimal_contact_normalizes_time_to_utc() {
        let v = ok(create(
            RecordKind::Contact,
            json!({"client_id": CLIENT_ID, "at": "2026-11-20T08:30:00+07:00", "notes": "ok"}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"client_id": CLIENT_ID, "at": "2026-11-20T01:30:00Z", "notes": "ok",
                   "visit_type": "follow_up", "mode": "individual"})
        );
        // Without a client the contact is anonymous, and still valid.
        let v = ok(create(
            RecordKind::Contact,
            json!({"at": "2026-11-20T08:30:00Z", "services": {"syringes": 10}}),
        ));
        assert!(!v.values.contains_key("client_id"));
    }

    #[test]
    fn minimal_case_note_defaults_its_date_to_today() {
        let v = ok(create(
            RecordKind::CaseNote,
            json!({"client_id": CLIENT_ID, "narrative": "Khách hàng muốn thử methadone."}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"client_id": CLIENT_ID, "date": "2026-11-23",
                   "narrative": "Khách hàng muốn thử methadone."})
        );
    }

    #[test]
    fn minimal_referral() {
        let v = ok(create(
            RecordKind::Referral,
            json!({"client_id": CLIENT_ID, "service": "methadone", "status": "sent",
                   "date": "2026-11-20"}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"client_id": CLIENT_ID, "service": "methadone", "status": "sent",
                   "date": "2026-11-20", "urgency": "routine"})
        );
    }

    #[test]
    fn minimal_meeting() {
        let v = ok(create(
            RecordKind::Meeting,
            json!({"group_name": "Nhóm Bình Minh", "date": "2026-11-20"}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"group_name": "Nhóm Bình Minh", "date": "2026-11-20"})
        );
    }

    /// One case per error code: (kind, input, base, field, code, vi, en),
    /// where vi/en are expected parts of the message.
    #[test]
    fn every_error_code_in_both_languages() {
        type Case = (
            RecordKind,
            Value,
            Option<Value>,
            &'static str,
            FieldErrorCode,
            &'static str,
            &'static str,
        );
        use FieldErrorCode::*;
        use RecordKind::*;
        let long_alias = "x".repeat(61);
        let cases: Vec<Case> = vec![
            (Client, json!({"alias": "A", "nickname": "B"}), None, "nickname", UnknownField,
             "“nickname” không phải là một mục của biểu mẫu “Hồ sơ khách hàng”",
             "“nickname” is not a field of the “Client” form"),
            (Client, json!({"alias": "A", "uic": "LAHU90M"}), None, "uic", Readonly,
             "Mã định danh (UIC) do hệ thống tự tạo, không thể nhập hoặc sửa",
             "Unique identifier code (UIC) is set by the system and cannot be entered or changed"),
            (Client, json!({"notes": "x"}), None, "alias", Required,
             "Tên gọi là thông tin bắt buộc", "Alias is required"),
            (Referral, json!({"client_id": CLIENT_ID, "service": "hiv_test", "status": "sent",
                              "completed_date": "2026-11-21"}), None, "completed_date", NotApplicable,
             "Ngày hoàn thành không áp dụng với các câu trả lời đã chọn, vui lòng để trống",
             "Completion date does not apply given the other answers; leave it empty"),
            (Client, json!({"alias": 5}), None, "alias", InvalidType,
             "Tên gọi phải là văn bản", "Alias must be text"),
            (Contact, json!({"at": "hôm qua"}), None, "at", InvalidFormat,
             "Thời gian không đúng định dạng: cần ngày giờ kèm múi giờ",
             "Date and time is not in the right format: expected a date and time with its time zone"),
            (Client, json!({"alias": "A", "sex": "robot"}), None, "sex", InvalidChoice,
             "Giới tính có lựa chọn không hợp lệ; chọn trong: Nam, Nữ, Nữ chuyển giới, Nam chuyển giới, Khác",
             "Sex has an invalid choice; choose from: Male, Female, Transgender woman, Transgender man, Other"),
            (Client, json!({"alias": "A", "birth_year": 1900}), None, "birth_year", TooSmall,
             "Năm sinh phải từ 1920 trở lên", "Birth year must be at least 1920"),
            (Client, json!({"alias": "A", "birth_year": 2031}), None, "birth_year", TooLarge,
             "Năm sinh không được lớn hơn năm hiện tại (2026)",
             "Birth year cannot be later than the current year (2026)"),
            (Client, json!({"alias": long_alias}), None, "alias", TooLong,
             "Tên gọi không được dài quá 60 ký tự", "Alias must have at most 60 characters"),
            (Client, json!({"alias": "A", "phone": "gọi sau"}), None, "phone", PatternMismatch,
             "Số điện thoại không đúng định dạng (Chỉ gồm chữ số",
             "Phone number is not in a valid format (Digits only"),
            (Contact, json!({"at": "2026-11-20T08:30:00Z", "services": {"syringes": -2}}), None,
             "services", InvalidQuantity,
             "Dịch vụ và vật phẩm đã cung cấp: số lượng “Bơm kim tiêm” phải là số nguyên, từ 0 trở lên",
             "Services and supplies given: the quantity of “Syringes” must be a whole number, zero or more"),
            (CaseNote, json!({"client_id": CLIENT_ID, "date": "2026-11-20",
                              "next_follow_up": "2026-11-19"}), None, "next_follow_up", ConstraintFailed,
             "Ngày theo dõi tiếp theo phải trùng hoặc sau ngày ghi chép",
             "The next follow-up must be on or after the date of the note"),
            (Client, json!({"alias": "Tí\u{202E}"}), None, "alias", ControlCharacter,
             "Tên gọi chứa một ký tự ẩn làm đảo chiều văn bản (U+202E); hãy xoá ký tự này",
             "Alias holds a hidden character that reverses the direction of text (U+202E); remove it"),
        ];
        let mut covered = vec![FieldErrorCode::TooShort]; // needs a custom form: see below
        for (kind, input, base, field, code, vi, en) in cases {
            for (lang, want) in [(Lang::Vi, vi), (Lang::En, en)] {
                let errors = definition(kind)
                    .validate(
                        &map(input.clone()),
                        base.clone().map(map).as_ref(),
                        today(),
                        lang,
                    )
                    .expect_err(&format!("{kind} {input}"));
                let error = errors
                    .get(field)
                    .unwrap_or_else(|| panic!("{field}: {errors}"));
                assert_eq!(error.code, code, "{errors}");
                assert!(
                    error.message.contains(want),
                    "{lang} message for {code}: {:?} lacks {want:?}",
                    error.message
                );
            }
            covered.push(code);
        }
        for code in FieldErrorCode::ALL {
            assert!(covered.contains(&code), "{code} not tested");
        }
    }

    #[test]
    fn too_short_and_other_bounds_messages() {
        let form = FormDefinition::from_json(
            &json!({"kind": "meeting", "version": 2, "title": {"vi": "Thử", "en": "Test"},
            "fields": [
                {"key": "code", "type": "text", "label": {"vi": "Mã nhóm", "en": "Group code"},
                 "constraints": {"min_length": 3}},
                {"key": "day", "type": "date", "label": {"vi": "Ngày", "en": "Day"},
                 "constraints": {"min": "2026-01-01", "max": "today"}},
                {"key": "items", "type": "quantities", "label": {"vi": "Vật phẩm", "en": "Items"},
                 "constraints": {"max": 100},
                 "choices": [{"value": "condoms", "label": {"vi": "Bao cao su", "en": "Condoms"}}]}
            ]})
            .to_string(),
        )
        .unwrap();
        let check = |input: Value, field: &str, code, vi: &str, en: &str| {
            for (lang, want) in [(Lang::Vi, vi), (Lang::En, en)] {
                let e = form
                    .validate(&map(input.clone()), None, today(), lang)
                    .unwrap_err();
                let e = e.get(field).unwrap();
                assert_eq!(e.code, code);
                assert_eq!(e.message, want);
            }
        };
        check(
            json!({"code": "ab"}),
            "code",
            FieldErrorCode::TooShort,
            "Mã nhóm phải có ít nhất 3 ký tự",
            "Group code must have at least 3 characters",
        );
        check(
            json!({"day": "2025-12-31"}),
            "day",
            FieldErrorCode::TooSmall,
            "Ngày không được trước ngày 01/01/2026",
            "Day cannot be before 2026-01-01",
        );
        check(
            json!({"day": "2026-11-24"}),
            "day",
            FieldErrorCode::TooLarge,
            "Ngày không được là một ngày trong tương lai",
            "Day cannot be in the future",
        );
        check(
            json!({"items": {"condoms": 101}}),
            "items",
            FieldErrorCode::TooLarge,
            "Vật phẩm: số lượng “Bao cao su” không được lớn hơn 100",
            "Items: the quantity of “Condoms” must be at most 100",
        );
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        // 60 characters of Vietnamese are 60, not the 180 bytes they take.
        let alias = "ắ".repeat(60);
        ok(create(RecordKind::Client, json!({"alias": alias})));
    }

    #[test]
    fn skip_logic_clears_hidden_values_on_update() {
        let base = json!({"client_id": CLIENT_ID, "service": "methadone", "status": "completed",
                          "date": "2026-11-01", "completed_date": "2026-11-10",
                          "outcome": "Đã bắt đầu điều trị", "urgency": "routine"});
        let v = ok(update(
            RecordKind::Referral,
            base.clone(),
            json!({"status": "sent"}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"status": "sent", "completed_date": null, "outcome": null})
        );
        // Declined still shows the outcome, only the completion date goes.
        let v = ok(update(
            RecordKind::Referral,
            base,
            json!({"status": "declined"}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"status": "declined", "completed_date": null})
        );
        // Clearing the consent date hides, and so clears, the consent scope.
        let v = ok(update(
            RecordKind::Client,
            json!({"alias": "A", "consent_date": "2026-11-01", "consent_scope": ["referral"]}),
            json!({"consent_date": null}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"consent_date": null, "consent_scope": null})
        );
    }

    #[test]
    fn required_only_when_relevant() {
        // No consent date: the scope is hidden, so not required...
        ok(create(RecordKind::Client, json!({"alias": "A"})));
        // ...and cannot be given.
        assert_eq!(
            codes(create(
                RecordKind::Client,
                json!({"alias": "A", "consent_scope": ["referral"]})
            )),
            one("consent_scope", FieldErrorCode::NotApplicable)
        );
        // With a consent date it is shown and required.
        assert_eq!(
            codes(create(
                RecordKind::Client,
                json!({"alias": "A", "consent_date": "2026-11-01"})
            )),
            one("consent_scope", FieldErrorCode::Required)
        );
        let v = ok(create(
            RecordKind::Client,
            json!({"alias": "A", "consent_date": "2026-11-01",
                   "consent_scope": ["data_sharing", "record_keeping"]}),
        ));
        assert_eq!(
            v.values["consent_scope"],
            json!(["record_keeping", "data_sharing"])
        );
    }

    #[test]
    fn defaults_apply_to_new_records_only() {
        let v = ok(create(
            RecordKind::Client,
            json!({"alias": "A", "status": "moved"}),
        ));
        assert_eq!(v.values["status"], "moved");
        // An explicit null on a new record is just absence: the default applies.
        let v = ok(create(
            RecordKind::Client,
            json!({"alias": "A", "status": null}),
        ));
        assert_eq!(v.values["status"], "active");
        let v = ok(create(
            RecordKind::Referral,
            json!({"client_id": CLIENT_ID, "service": "tb"}),
        ));
        assert_eq!(v.values["status"], "draft");
        assert_eq!(v.values["date"], "2026-11-23");
        // An update never fills defaults in.
        let v = ok(update(
            RecordKind::Client,
            json!({"alias": "A"}),
            json!({"notes": "x"}),
        ));
        assert_eq!(Value::Object(v.values), json!({"notes": "x"}));
    }

    #[test]
    fn updates_return_only_changes() {
        let base = json!({"alias": "A", "status": "active", "birth_year": 1990, "notes": "cũ",
                          "uic": "LAHU90M"});
        let v = ok(update(
            RecordKind::Client,
            base.clone(),
            json!({"alias": "A", "birth_year": 1991, "notes": null, "phone": null,
                   "uic": "LAHU90M"}),
        ));
        assert_eq!(
            Value::Object(v.values),
            json!({"birth_year": 1991, "notes": null})
        );
        // Text is taken as given: spaces around it are a change.
        let v = ok(update(
            RecordKind::Client,
            base.clone(),
            json!({"alias": " A "}),
        ));
        assert_eq!(Value::Object(v.values), json!({"alias": " A "}));
        // Blank text clears too.
        let v = ok(update(
            RecordKind::Client,
            base.clone(),
            json!({"notes": "  "}),
        ));
        assert_eq!(Value::Object(v.values), json!({"notes": null}));
        // The record after the change must still be complete.
        assert_eq!(
            codes(update(
                RecordKind::Client,
                base.clone(),
                json!({"alias": null})
            )),
            one("alias", FieldErrorCode::Required)
        );
        assert_eq!(
            codes(update(RecordKind::Client, base, json!({"uic": "OTHER"}))),
            one("uic", FieldErrorCode::Readonly)
        );
    }

    #[test]
    fn null_in_the_base_is_no_value() {
        let base = json!({"alias": null, "notes": null, "status": "active"});
        assert_eq!(
            codes(update(
                RecordKind::Client,
                base.clone(),
                json!({"sex": "female"})
            )),
            one("alias", FieldErrorCode::Required)
        );
        let v = ok(update(
            RecordKind::Client,
            base,
            json!({"alias": "A", "notes": null}),
        ));
        assert_eq!(Value::Object(v.values), json!({"alias": "A"}));
    }

    #[test]
    fn constraints_hold_across_fields_on_update() {
        let base =
            json!({"client_id": CLIENT_ID, "date": "2026-11-10", "next_follow_up": "2026-11-15"});
        assert_eq!(
            codes(update(
                RecordKind::CaseNote,
                base.clone(),
                json!({"date": "2026-11-20"})
            )),
            one("next_follow_up", FieldErrorCode::ConstraintFailed)
        );
        ok(update(
            RecordKind::CaseNote,
            base,
            json!({"date": "2026-11-15"}),
        ));
        // Women attending cannot exceed the total, but may be given alone.
        let meeting = json!({"group_name": "G", "date": "2026-11-20"});
        let with = |extra: Value| {
            let mut m = map(meeting.clone());
            m.extend(map(extra));
            create(RecordKind::Meeting, Value::Object(m))
        };
        assert_eq!(
            codes(with(
                json!({"attendance_total": 10, "attendance_women": 11})
            )),
            one("attendance_women", FieldErrorCode::ConstraintFailed)
        );
        ok(with(
            json!({"attendance_total": 10, "attendance_women": 10}),
        ));
        ok(with(json!({"attendance_women": 4})));
        assert_eq!(
            codes(with(json!({"next_meeting": "2026-11-20"}))),
            one("next_meeting", FieldErrorCode::ConstraintFailed)
        );
        ok(with(json!({"next_meeting": "2026-11-27"})));
    }

    #[test]
    fn yes_no_is_a_boolean() {
        for want in [true, false] {
            let v = ok(create(
                RecordKind::Client,
                json!({"alias": "A", "injecting": want}),
            ));
            assert_eq!(v.values["injecting"], want);
        }
        for word in [json!("yes"), json!("có"), json!("true"), json!(1)] {
            assert_eq!(
                codes(create(
                    RecordKind::Client,
                    json!({"alias": "A", "injecting": word})
                )),
                one("injecting", FieldErrorCode::InvalidType),
                "{word}"
            );
        }
    }

    #[test]
    fn quantities_are_normalized() {
        let at = "2026-11-20T08:30:00Z";
        let v = ok(create(
            RecordKind::Contact,
            json!({"at": at, "services": {"syringes": 20, "condoms": 5, "naloxone": 0}}),
        ));
        assert_eq!(v.values["services"], json!({"syringes": 20, "condoms": 5}));
        // All zero: nothing handed out, nothing stored.
        let v = ok(create(
            RecordKind::Contact,
            json!({"at": at, "services": {"syringes": 0}}),
        ));
        assert!(!v.values.contains_key("services"));
        assert_eq!(
            codes(create(
                RecordKind::Contact,
                json!({"at": at, "services": {"needles": 1}})
            )),
            one("services", FieldErrorCode::InvalidChoice)
        );
        assert_eq!(
            codes(create(
                RecordKind::Contact,
                json!({"at": at, "services": {"syringes": 5000}})
            )),
            one("services", FieldErrorCode::TooLarge)
        );
    }

    #[test]
    fn input_only_values_are_returned_apart() {
        let v = ok(create(
            RecordKind::Client,
            json!({"alias": "A", "uic_mother_name": "Lan", "uic_father_name": "Hùng",
                   "sex": "female", "birth_year": 1995}),
        ));
        assert!(!v.values.contains_key("uic_mother_name"));
        assert!(!v.values.contains_key("uic_father_name"));
        assert_eq!(
            Value::Object(v.input_only),
            json!({"uic_mother_name": "Lan", "uic_father_name": "Hùng"})
        );
    }

    #[test]
    fn links_are_normalized() {
        let upper = CLIENT_ID.to_uppercase();
        let v = ok(create(
            RecordKind::Meeting,
            json!({"group_name": "G", "attendee_ids": [upper, CLIENT_ID]}),
        ));
        assert_eq!(v.values["attendee_ids"], json!([CLIENT_ID]));
        assert_eq!(
            codes(create(RecordKind::CaseNote, json!({"client_id": "Tí"}))),
            one("client_id", FieldErrorCode::InvalidFormat)
        );
    }

    #[test]
    fn errors_are_listed_in_form_order_one_per_field() {
        let e = create(
            RecordKind::Client,
            json!({"birth_year": 1800, "alias": 5, "zzz": 1, "phone": "?"}),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "zzz: “zzz” is not a field of the “Client” form; alias: Alias must be text; \
             birth_year: Birth year must be at least 1920; \
             phone: Phone number is not in a valid format (Digits only, with an optional leading + and spaces)"
        );
    }

    /// What became of one input: stored with these values (the keys
    /// listed, exactly), or refused with exactly these errors.
    enum Outcome {
        Stored(Value),
        Refused(Vec<(&'static str, FieldErrorCode)>),
    }

    /// Odd input, each against its exact outcome: text as given or refused,
    /// types strict, the field named, no error on a field that only depends
    /// on one in error.
    #[test]
    fn input_edge_cases_have_exact_outcomes() {
        use FieldErrorCode::*;
        use Outcome::*;
        use RecordKind::*;
        let at = "2026-11-20T08:30:00Z";
        let cases: Vec<(&str, RecordKind, Value, Outcome)> = vec![
            // Types are strict.
            (
                "a list given as one value",
                Client,
                json!({"alias": "A", "primary_substances": "heroin"}),
                Refused(vec![("primary_substances", InvalidType)]),
            ),
            (
                "a list of choices, repeats dropped, in the form's order",
                Client,
                json!({"alias": "A", "primary_substances": ["opium", "heroin", "opium"]}),
                Stored(json!({"primary_substances": ["heroin", "opium"]})),
            ),
            (
                "a list holding a number",
                Client,
                json!({"alias": "A", "primary_substances": ["heroin", 3]}),
                Refused(vec![("primary_substances", InvalidType)]),
            ),
            (
                "a comma-separated list",
                Client,
                json!({"alias": "A", "primary_substances": "heroin,opium"}),
                Refused(vec![("primary_substances", InvalidType)]),
            ),
            (
                "yes/no as a word",
                Client,
                json!({"alias": "A", "injecting": "yes"}),
                Refused(vec![("injecting", InvalidType)]),
            ),
            (
                "yes/no as a number",
                Client,
                json!({"alias": "A", "injecting": 1}),
                Refused(vec![("injecting", InvalidType)]),
            ),
            (
                "a number in quotes",
                Client,
                json!({"alias": "A", "birth_year": "1990"}),
                Refused(vec![("birth_year", InvalidType)]),
            ),
            (
                "a whole number written with a fraction of zero",
                Client,
                json!({"alias": "A", "birth_year": 1990.0}),
                Stored(json!({"birth_year": 1990})),
            ),
            (
                "a number with a fraction",
                Client,
                json!({"alias": "A", "birth_year": 1990.5}),
                Refused(vec![("birth_year", InvalidFormat)]),
            ),
            (
                "a choice as a number",
                CaseNote,
                json!({"client_id": CLIENT_ID, "legal_rating": 2}),
                Refused(vec![("legal_rating", InvalidType)]),
            ),
            (
                "a choice in quotes",
                CaseNote,
                json!({"client_id": CLIENT_ID, "legal_rating": "2"}),
                Stored(json!({"legal_rating": "2"})),
            ),
            (
                "a choice with a space",
                Client,
                json!({"alias": "A", "sex": " male"}),
                Refused(vec![("sex", InvalidChoice)]),
            ),
            (
                "a choice in other case",
                Client,
                json!({"alias": "A", "sex": "Male"}),
                Refused(vec![("sex", InvalidChoice)]),
            ),
            (
                "text as a number",
                Client,
                json!({"alias": 7}),
                Refused(vec![("alias", InvalidType)]),
            ),
            (
                "a date not padded",
                Client,
                json!({"alias": "A", "consent_date": "2026-11-1", "consent_scope": ["referral"]}),
                Refused(vec![("consent_date", InvalidFormat)]),
            ),
            (
                "a date with spaces",
                Client,
                json!({"alias": "A", "consent_date": " 2026-11-01", "consent_scope": ["referral"]}),
                Refused(vec![("consent_date", InvalidFormat)]),
            ),
            (
                "a date as a number",
                Client,
                json!({"alias": "A", "consent_date": 20261101, "consent_scope": ["referral"]}),
                Refused(vec![("consent_date", InvalidType)]),
            ),
            (
                "a quantity in quotes",
                Contact,
                json!({"at": at, "services": {"syringes": "5"}}),
                Refused(vec![("services", InvalidQuantity)]),
            ),
            (
                "a quantity of null",
                Contact,
                json!({"at": at, "services": {"syringes": null}}),
                Refused(vec![("services", InvalidQuantity)]),
            ),
            (
                "a quantity item with a space",
                Contact,
                json!({"at": at, "services": {" syringes": 5}}),
                Refused(vec![("services", InvalidChoice)]),
            ),
            (
                "one record id for a list of them",
                Meeting,
                json!({"group_name": "G", "attendee_ids": CLIENT_ID}),
                Refused(vec![("attendee_ids", InvalidType)]),
            ),
            (
                "an instant in another zone, kept in UTC",
                Contact,
                json!({"at": "2026-11-20T08:30:00+07:00"}),
                Stored(json!({"at": "2026-11-20T01:30:00Z"})),
            ),
            // Text is stored as given.
            (
                "combining marks",
                Client,
                json!({"alias": "Ho\u{0300}a"}),
                Stored(json!({"alias": "Ho\u{0300}a"})),
            ),
            (
                "spaces around text",
                Client,
                json!({"alias": " Tí "}),
                Stored(json!({"alias": " Tí "})),
            ),
            (
                "blank text is no value",
                Client,
                json!({"alias": "  "}),
                Refused(vec![("alias", Required)]),
            ),
            (
                "a right-to-left mark (not an override)",
                Client,
                json!({"alias": "A\u{200F}B"}),
                Stored(json!({"alias": "A\u{200F}B"})),
            ),
            (
                "emoji with a joiner",
                Client,
                json!({"alias": "Tí 👩\u{200D}👩"}),
                Stored(json!({"alias": "Tí 👩\u{200D}👩"})),
            ),
            (
                "line breaks and tabs in a note",
                Client,
                json!({"alias": "A", "notes": "một\nhai\r\n\tba"}),
                Stored(json!({"notes": "một\nhai\r\n\tba"})),
            ),
            // Control characters are refused in text.
            (
                "NUL",
                Client,
                json!({"alias": "T\u{0}í"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "escape",
                Client,
                json!({"alias": "\u{1B}[2J"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "DEL",
                Client,
                json!({"alias": "A\u{7F}"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a C1 control",
                Client,
                json!({"alias": "A\u{85}"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a right-to-left override",
                Client,
                json!({"alias": "A\u{202E}B"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a left-to-right embedding",
                Client,
                json!({"alias": "A\u{202A}B"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a first-strong isolate",
                Client,
                json!({"alias": "A\u{2068}B"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a pop directional isolate",
                Client,
                json!({"alias": "A\u{2069}"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a line break in a one-line field",
                Client,
                json!({"alias": "A\nB"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a tab in a one-line field",
                Client,
                json!({"alias": "A\tB"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a line separator in a one-line field",
                Client,
                json!({"alias": "A\u{2028}B"}),
                Refused(vec![("alias", ControlCharacter)]),
            ),
            (
                "a lone carriage return in a note",
                Client,
                json!({"alias": "A", "notes": "a\rb"}),
                Refused(vec![("notes", ControlCharacter)]),
            ),
            (
                "an override in a note",
                Client,
                json!({"alias": "A", "notes": "x\u{202D}"}),
                Refused(vec![("notes", ControlCharacter)]),
            ),
            (
                "NUL in a parent's name, never stored",
                Client,
                json!({"alias": "A", "uic_mother_name": "L\u{0}an"}),
                Refused(vec![("uic_mother_name", ControlCharacter)]),
            ),
            // A field that depends on one in error gets no message of its own.
            (
                "a bad consent date, with a scope",
                Client,
                json!({"alias": "A", "consent_date": "2026-13-01", "consent_scope": ["referral"]}),
                Refused(vec![("consent_date", InvalidFormat)]),
            ),
            (
                "a bad consent date, without a scope",
                Client,
                json!({"alias": "A", "consent_date": "hôm qua"}),
                Refused(vec![("consent_date", InvalidFormat)]),
            ),
            (
                "no consent date, with a scope",
                Client,
                json!({"alias": "A", "consent_scope": ["referral"]}),
                Refused(vec![("consent_scope", NotApplicable)]),
            ),
            (
                "a bad referral status, with a completion date",
                Referral,
                json!({"client_id": CLIENT_ID, "service": "tb", "status": "done",
                    "completed_date": "2026-11-20"}),
                Refused(vec![("status", InvalidChoice)]),
            ),
            (
                "a bad total, with women attending",
                Meeting,
                json!({"group_name": "G", "attendance_total": "ten", "attendance_women": 4}),
                Refused(vec![("attendance_total", InvalidType)]),
            ),
        ];
        for (what, kind, input, outcome) in cases {
            let result = create(kind, input.clone());
            match outcome {
                Stored(want) => {
                    let v = result.unwrap_or_else(|e| panic!("{what}: {input}: {e}"));
                    for (key, value) in map(want) {
                        assert_eq!(v.values.get(&key), Some(&value), "{what}: {key}");
                    }
                }
                Refused(want) => {
                    let got = codes(result);
                    let want: Vec<(String, FieldErrorCode)> =
                        want.into_iter().map(|(k, c)| (k.to_string(), c)).collect();
                    assert_eq!(got, want, "{what}: {input}");
                }
            }
        }
    }

    #[test]
    fn a_form_may_take_one_value_for_a_list_when_it_says_so() {
        let form = |single: bool| {
            FormDefinition::from_json(
                &json!({"kind": "meeting", "version": 2, "title": {"vi": "Thử", "en": "Test"},
                "fields": [
                    {"key": "topics", "type": "multiple_choice", "single_as_list": single,
                     "label": {"vi": "Chủ đề", "en": "Topics"},
                     "choices": [{"value": "hiv", "label": {"vi": "HIV", "en": "HIV"}},
                                 {"value": "tb", "label": {"vi": "Lao", "en": "TB"}}]},
                    {"key": "people", "type": "link", "link_kind": "client", "multiple": true,
                     "single_as_list": single, "label": {"vi": "Người", "en": "People"}}
                ]})
                .to_string(),
            )
            .unwrap()
        };
        let input = map(json!({"topics": "tb", "people": CLIENT_ID}));
        let v = form(true)
            .validate(&input, None, today(), Lang::En)
            .unwrap();
        assert_eq!(
            Value::Object(v.values),
            json!({"topics": ["tb"], "people": [CLIENT_ID]})
        );
        let e = form(false)
            .validate(&input, None, today(), Lang::En)
            .unwrap_err();
        assert_eq!(
            e.codes(),
            [
                ("topics", FieldErrorCode::InvalidType),
                ("people", FieldErrorCode::InvalidType)
            ]
        );
        assert_eq!(
            e.0[0].message,
            "Topics must be a list of choices in brackets, e.g. [\"hiv\"]"
        );
        let e = form(false)
            .validate(&input, None, today(), Lang::Vi)
            .unwrap_err();
        assert_eq!(
            e.0[0].message,
            "Chủ đề phải là một danh sách các lựa chọn trong ngoặc vuông, ví dụ [\"hiv\"]"
        );
        // Still one value: a comma does not make two.
        let e = form(true)
            .validate(&map(json!({"topics": "hiv,tb"})), None, today(), Lang::En)
            .unwrap_err();
        assert_eq!(e.codes(), [("topics", FieldErrorCode::InvalidChoice)]);
    }

    /// A record written before the rules tightened (synced from an older
    /// version) stays editable: a value sent back unchanged is no change
    /// and is not judged again; a new one is.
    #[test]
    fn stored_values_sent_back_unchanged_are_not_judged_again() {
        let base = json!({"alias": "Ti\u{202E}", "injecting": true, "status": "active"});
        let v = ok(update(
            RecordKind::Client,
            base.clone(),
            json!({"alias": "Ti\u{202E}", "injecting": true, "notes": "ok"}),
        ));
        assert_eq!(Value::Object(v.values), json!({"notes": "ok"}));
        assert_eq!(
            codes(update(
                RecordKind::Client,
                base,
                json!({"alias": "Tí\u{202E}"})
            )),
            one("alias", FieldErrorCode::ControlCharacter)
        );
    }

    #[test]
    fn one_line_and_control_character_messages_in_both_languages() {
        let message = |input: Value, lang| {
            definition(RecordKind::Client)
                .validate(&map(input), None, today(), lang)
                .unwrap_err()
                .0
                .remove(0)
                .message
        };
        assert_eq!(
            message(json!({"alias": "A\nB"}), Lang::En),
            "Alias must be one line of text, without line breaks or tabs"
        );
        assert_eq!(
            message(json!({"alias": "A\nB"}), Lang::Vi),
            "Tên gọi phải là một dòng văn bản, không có dấu xuống dòng hoặc dấu tab"
        );
        assert_eq!(
            message(json!({"alias": "A\u{0}"}), Lang::En),
            "Alias holds a hidden control character (U+0000); remove it"
        );
        assert_eq!(
            message(json!({"alias": "A\u{0}"}), Lang::Vi),
            "Tên gọi chứa một ký tự điều khiển ẩn (U+0000); hãy xoá ký tự này"
        );
        // In a note a line break is text; a lone carriage return is not.
        assert_eq!(
            message(json!({"alias": "A", "notes": "a\rb"}), Lang::En),
            "Notes holds a hidden control character (U+000D); remove it"
        );
    }

    #[test]
    fn visible_fields_follow_skip_logic() {
        let referral = definition(RecordKind::Referral);
        let shown = referral.visible_fields(&map(json!({"status": "completed"})), today());
        assert!(shown.contains(&"completed_date") && shown.contains(&"outcome"));
        let shown = referral.visible_fields(&map(json!({"status": "lost"})), today());
        assert!(!shown.contains(&"completed_date") && shown.contains(&"outcome"));
        let shown = referral.visible_fields(&Map::new(), today());
        assert!(!shown.contains(&"completed_date") && !shown.contains(&"outcome"));
        let client = definition(RecordKind::Client);
        let shown = client.visible_fields(&Map::new(), today());
        assert!(!shown.contains(&"uic") && shown.contains(&"uic_mother_name"));
        let shown = client.visible_fields(&map(json!({"consent_date": "2026-11-01"})), today());
        assert!(shown.contains(&"consent_scope"));
    }
}
