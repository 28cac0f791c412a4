//! Checking a form definition when it is loaded, and compiling its
//! expressions and patterns once.
//!
//! A definition is data that a person edits, so mistakes are caught here,
//! all of them at once, rather than when a worker fills the form: missing
//! translations, duplicate keys, expressions that do not parse or refer to
//! fields (or choice values) that do not exist, bounds of the wrong kind.

use super::definition::{
    Appearance, Bound, FieldDef, FieldType, FormSpec, GroupDef, Localized, NOW, THIS_YEAR, TODAY,
};
use super::expr::{Expr, Function};
use super::normalize::{parse_date, parse_value};
use crate::record::kind::RecordKind;
use regex::Regex;
use std::collections::HashMap;

/// Why a form definition was refused when it was loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// The file is not JSON, or not in the shape of a form definition; the text is the parser's.
    #[error("form definition is not valid JSON: {0}")]
    Json(String),
    /// The definition parsed but breaks the rules; every problem found is listed.
    #[error("the {kind} form definition is invalid: {}", .problems.join("; "))]
    Invalid {
        /// The form whose definition is wrong.
        kind: RecordKind,
        /// Each problem, in English, for the person who edits the definition.
        problems: Vec<String>,
    },
}

/// What validation needs beyond the plain data: a key index, and each
/// field's parsed expressions and compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub index: HashMap<String, usize>,
    pub fields: Vec<CompiledField>,
    /// Each group's `relevant`, in the order of the definition's groups.
    pub groups: Vec<Option<Expr>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledField {
    pub relevant: Option<Expr>,
    pub constraint: Option<Expr>,
    pub pattern: Option<Regex>,
    pub calculation: Option<Expr>,
    pub choice_filter: Option<Expr>,
    /// The groups it lies in, outermost first (indices into the groups).
    pub groups: Vec<usize>,
}

pub(crate) fn check_and_compile(spec: &FormSpec) -> Result<Compiled, DefinitionError> {
    let mut problems = Vec::new();
    let mut index = HashMap::new();

    if spec.version == 0 {
        problems.push("version must be 1 or more".to_string());
    }
    check_localized("title", &spec.title, &mut |p| problems.push(p));
    for (i, field) in spec.fields.iter().enumerate() {
        if !is_identifier(&field.key) {
            problems.push(format!(
                "field key '{}' must be lowercase letters, digits and '_', starting with a letter",
                field.key
            ));
        }
        if index.insert(field.key.clone(), i).is_some() {
            problems.push(format!("field key '{}' is used twice", field.key));
        }
    }

    let chains = group_chains(spec, &index, &mut |p| problems.push(p));
    let groups = compile_groups(spec, &chains, &mut |p| problems.push(p));

    let mut fields = Vec::with_capacity(spec.fields.len());
    for (i, field) in spec.fields.iter().enumerate() {
        let mut report = |problem: String| problems.push(format!("{}: {problem}", field.key));
        check_field(field, &mut report);
        // Relevance and calculations are decided top to bottom, so they
        // may look only upwards.
        let earlier = &spec.fields[..i];
        let relevant = field
            .relevant
            .as_deref()
            .and_then(|src| compile_expr(src, "relevant", earlier, &mut report));
        let constraint = field
            .constraint
            .as_deref()
            .and_then(|src| compile_expr(src, "constraint", &spec.fields, &mut report));
        let calculation = field
            .calculation
            .as_deref()
            .and_then(|src| compile_expr(src, "calculation", earlier, &mut report));
        let choice_filter = field
            .choice_filter
            .as_deref()
            .and_then(|src| compile_choice_filter(src, field, earlier, &mut report));
        let pattern = field.constraints.pattern.as_deref().and_then(|p| {
            Regex::new(&format!("^(?:{p})$"))
                .map_err(|e| report(format!("pattern does not compile: {e}")))
                .ok()
        });
        fields.push(CompiledField {
            relevant,
            constraint,
            pattern,
            calculation,
            choice_filter,
            groups: chains.get(i).cloned().unwrap_or_default(),
        });
    }

    if problems.is_empty() {
        Ok(Compiled {
            index,
            fields,
            groups,
        })
    } else {
        Err(DefinitionError::Invalid {
            kind: spec.kind,
            problems,
        })
    }
}

fn check_field(field: &FieldDef, report: &mut dyn FnMut(String)) {
    let t = field.field_type;
    check_localized("label", &field.label, &mut |p| report(p));
    if let Some(hint) = &field.hint {
        check_localized("hint", hint, &mut |p| report(p));
    }

    if t.has_choices() && field.choices.is_empty() {
        report(format!("a {} field needs choices", t.as_str()));
    }
    if !t.has_choices() && !field.choices.is_empty() {
        report(format!("a {} field cannot have choices", t.as_str()));
    }
    let mut seen = Vec::new();
    for choice in &field.choices {
        if choice.value.trim().is_empty() || choice.value.trim() != choice.value {
            report(format!(
                "choice value '{}' is blank or padded",
                choice.value
            ));
        }
        if seen.contains(&&choice.value) {
            report(format!("choice value '{}' is used twice", choice.value));
        }
        seen.push(&choice.value);
        check_localized(
            &format!("label of choice '{}'", choice.value),
            &choice.label,
            &mut |p| report(p),
        );
    }

    match (t, field.link_kind) {
        (FieldType::Link, None) => report("a link field needs link_kind".into()),
        (FieldType::Link, Some(_)) => {}
        (_, Some(_)) => report("only link fields have link_kind".into()),
        (_, None) => {}
    }
    if field.multiple && t != FieldType::Link {
        report("only link fields can be multiple".into());
    }
    if field.multiline && t != FieldType::Text {
        report("only text fields can be multiline".into());
    }
    let is_list = t == FieldType::MultipleChoice || (t == FieldType::Link && field.multiple);
    if field.single_as_list && !is_list {
        report("single_as_list applies only to multiple choice and multiple link fields".into());
    }
    if field.system && (field.required || field.input_only || field.default.is_some()) {
        report("a system field cannot be required, input_only or have a default".into());
    }
    if field.input_only && field.default.is_some() {
        report("an input_only field cannot have a default".into());
    }

    check_bounds(field, report);
    check_kind_of_field(field, report);

    match (&field.constraint, &field.constraint_message) {
        (Some(_), Some(message)) => {
            check_localized("constraint_message", message, &mut |p| report(p))
        }
        (Some(_), None) => report("a constraint needs a constraint_message".into()),
        (None, Some(_)) => report("constraint_message without a constraint".into()),
        (None, None) => {}
    }

    if let Some(default) = &field.default {
        let keyword_ok = match (t, default.as_str()) {
            (FieldType::Date, Some(TODAY)) | (FieldType::Datetime, Some(NOW)) => true,
            _ => matches!(parse_value(field, default), Ok(Some(_))),
        };
        if !keyword_ok {
            report(format!(
                "default {default} is not a valid {} value",
                t.as_str()
            ));
        }
    }
}

/// What notes, calculations, read-only and hidden fields, required
/// messages, choice filters and appearances may be combined with.
fn check_kind_of_field(field: &FieldDef, report: &mut dyn FnMut(String)) {
    let t = field.field_type;
    let valueless = t == FieldType::Note;
    let computed = t == FieldType::Calculate;
    if (valueless || computed)
        && (field.required
            || field.default.is_some()
            || field.constraint.is_some()
            || !field.constraints.is_empty()
            || field.input_only
            || field.system
            || field.read_only
            || field.hidden)
    {
        report(format!(
            "a {} field cannot be required, have a default, constraints, or be input_only, system, read_only or hidden",
            t.as_str()
        ));
    }
    match (computed, &field.calculation) {
        (true, None) => report("a calculate field needs a calculation".into()),
        (false, Some(_)) => report("only calculate fields have a calculation".into()),
        _ => {}
    }
    if (field.read_only || field.hidden) && (field.system || field.input_only) {
        report("a read_only or hidden field cannot be system or input_only".into());
    }
    // No one could ever give it a value: every save would be refused.
    if (field.read_only || field.hidden) && field.required && field.default.is_none() {
        report("a required read_only or hidden field needs a default".into());
    }
    // As in XLSForm, where `hidden` is a type that holds a string.
    if field.hidden && t != FieldType::Text {
        report("only text fields can be hidden".into());
    }
    match (&field.required_message, field.required) {
        (Some(message), true) => check_localized("required_message", message, &mut |p| report(p)),
        (Some(_), false) => report("required_message on a field that is not required".into()),
        (None, _) => {}
    }
    let choices = matches!(t, FieldType::SingleChoice | FieldType::MultipleChoice);
    if field.choice_filter.is_some() && !choices {
        report("only single and multiple choice fields have a choice_filter".into());
    }
    for choice in &field.choices {
        for column in choice.columns.keys() {
            if !is_identifier(column) || column == "name" || column == "label" {
                report(format!(
                    "choice '{}' has a column '{column}' that is not a plain name",
                    choice.value
                ));
            }
        }
    }
    let mut seen = Vec::new();
    for appearance in &field.appearance {
        if seen.contains(appearance) {
            report(format!("appearance {} is given twice", appearance.as_str()));
        }
        seen.push(*appearance);
        let fits = match appearance {
            Appearance::Minimal => choices,
            // A phone number is typed on the number pad anyway.
            Appearance::Numbers => t == FieldType::Text,
        };
        if !fits {
            report(format!(
                "appearance {} does not apply to a {} field",
                appearance.as_str(),
                t.as_str()
            ));
        }
    }
}

/// Each field's groups, outermost first, after checking that groups are
/// well named and nest, and that each one's fields are contiguous (as
/// `begin_group` … `end_group` makes them).
fn group_chains(
    spec: &FormSpec,
    fields: &HashMap<String, usize>,
    report: &mut dyn FnMut(String),
) -> Vec<Vec<usize>> {
    let groups = &spec.groups;
    let position = |key: &str| groups.iter().position(|g| g.key == key);
    for (g, group) in groups.iter().enumerate() {
        let mut say = |p: String| report(format!("group {}: {p}", group.key));
        if !is_identifier(&group.key) {
            say("its key must be lowercase letters, digits and '_'".into());
        }
        if fields.contains_key(&group.key) {
            say("its key is also a field's".into());
        }
        if position(&group.key) != Some(g) {
            say("its key is used twice".into());
        }
        if let Some(label) = &group.label {
            check_localized("label", label, &mut |p| say(p));
        }
        if let Some(parent) = &group.parent {
            if position(parent).is_none_or(|p| p >= g) {
                say(format!(
                    "its parent '{parent}' is not a group listed before it"
                ));
            }
        }
    }
    // The chain of a group: itself and its ancestors, outermost first.
    let chain_of = |start: usize| {
        let mut chain = vec![start];
        while let Some(parent) = groups[chain[0]].parent.as_deref().and_then(position) {
            if chain.contains(&parent) || chain.len() > groups.len() {
                break;
            }
            chain.insert(0, parent);
        }
        chain
    };
    let mut chains = Vec::with_capacity(spec.fields.len());
    for field in &spec.fields {
        let chain = match field.group.as_deref() {
            None => Vec::new(),
            Some(key) => match position(key) {
                Some(g) => chain_of(g),
                None => {
                    report(format!(
                        "{}: group '{key}' is not a group of the form",
                        field.key
                    ));
                    Vec::new()
                }
            },
        };
        chains.push(chain);
    }
    for (g, group) in groups.iter().enumerate() {
        let members: Vec<usize> = (0..chains.len())
            .filter(|&i| chains[i].contains(&g))
            .collect();
        match (members.first(), members.last()) {
            (None, _) | (_, None) => report(format!("group {}: it has no fields", group.key)),
            (Some(first), Some(last)) if last - first + 1 != members.len() => report(format!(
                "group {}: its fields are not together (a field of another group lies between them)",
                group.key
            )),
            _ => {}
        }
    }
    chains
}

/// Each group's `relevant`, which reads only the fields above its first.
fn compile_groups(
    spec: &FormSpec,
    chains: &[Vec<usize>],
    report: &mut dyn FnMut(String),
) -> Vec<Option<Expr>> {
    spec.groups
        .iter()
        .enumerate()
        .map(|(g, group): (usize, &GroupDef)| {
            let source = group.relevant.as_deref()?;
            let first = chains.iter().position(|c| c.contains(&g)).unwrap_or(0);
            compile_expr(source, "relevant", &spec.fields[..first], &mut |p| {
                report(format!("group {}: {p}", group.key))
            })
        })
        .collect()
}

/// Parses a `choice_filter`: bare names are the field's choice columns.
fn compile_choice_filter(
    source: &str,
    field: &FieldDef,
    earlier: &[FieldDef],
    report: &mut dyn FnMut(String),
) -> Option<Expr> {
    let expr = match Expr::parse_choice_filter(source) {
        Ok(expr) => expr,
        Err(e) => {
            report(format!("choice_filter '{source}' does not parse: {e}"));
            return None;
        }
    };
    let mut ok = true;
    for column in expr.columns() {
        let known =
            column == "name" || field.choices.iter().any(|c| c.columns.contains_key(column));
        if !known {
            report(format!(
                "choice_filter reads '{column}', which is no column of its choices"
            ));
            ok = false;
        }
    }
    for key in expr.fields() {
        if !earlier.iter().any(|f| f.key == key) {
            report(format!(
                "choice_filter refers to '{key}', which is not a field defined above this one"
            ));
            ok = false;
        }
    }
    if expr.uses_current() {
        report(format!(
            "choice_filter '{source}' uses '.', which only a constraint may"
        ));
        ok = false;
    }
    ok.then_some(expr)
}

fn check_bounds(field: &FieldDef, report: &mut dyn FnMut(String)) {
    let t = field.field_type;
    let c = &field.constraints;
    for (name, bound) in [("min", &c.min), ("max", &c.max)] {
        let Some(bound) = bound else { continue };
        let fits = match (t, bound) {
            (FieldType::Integer, Bound::Number(n)) => n.is_i64(),
            (FieldType::Integer, Bound::Text(s)) => s == THIS_YEAR,
            (FieldType::Decimal, Bound::Number(_)) => true,
            (FieldType::Date, Bound::Text(s)) => s == TODAY || parse_date(s).is_ok(),
            (FieldType::Quantities, Bound::Number(n)) => name == "max" && n.is_u64(),
            _ => false,
        };
        if !fits {
            report(format!(
                "{name} {bound:?} does not apply to a {} field",
                t.as_str()
            ));
        }
    }
    if let (Some(Bound::Number(min)), Some(Bound::Number(max))) = (&c.min, &c.max) {
        if min.as_f64() > max.as_f64() {
            report("min is greater than max".into());
        }
    }
    if !matches!(t, FieldType::Text | FieldType::Phone)
        && (c.min_length.is_some() || c.max_length.is_some() || c.pattern.is_some())
    {
        report("lengths and patterns apply only to text and phone fields".into());
    }
    if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
        if min > max {
            report("min_length is greater than max_length".into());
        }
    }
}

fn check_localized(what: &str, text: &Localized, report: &mut dyn FnMut(String)) {
    if text.vi.trim().is_empty() {
        report(format!("{what} has no Vietnamese text"));
    }
    if text.en.trim().is_empty() {
        report(format!("{what} has no English text"));
    }
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !matches!(
            key,
            "and" | "or" | "not" | "in" | "true" | "false" | "today" | "selected" | "is_set"
        )
}

/// Parses an expression and checks it against the fields it may see.
fn compile_expr(
    source: &str,
    what: &str,
    visible: &[FieldDef],
    report: &mut dyn FnMut(String),
) -> Option<Expr> {
    let expr = match Expr::parse(source) {
        Ok(expr) => expr,
        Err(e) => {
            report(format!("{what} expression '{source}' does not parse: {e}"));
            return None;
        }
    };
    let before = |key: &str| visible.iter().find(|f| f.key == key);
    let mut ok = true;
    for key in expr.fields() {
        if before(key).is_none() {
            report(format!(
                "{what} expression refers to '{key}', which is not a field{}",
                if what != "constraint" {
                    " defined above this one"
                } else {
                    ""
                }
            ));
            ok = false;
        }
    }
    if what != "constraint" && expr.uses_current() {
        report(format!(
            "relevant expression '{source}' uses '.', which only a constraint may"
        ));
        ok = false;
    }
    if ok {
        check_values(&expr, &before, &mut |p| {
            report(format!("{what} expression '{source}': {p}"));
            ok = false;
        });
    }
    ok.then_some(expr)
}

/// Catches comparisons that could never hold, so a typo does not silently
/// hide a field forever: a choice value that is not among the field's
/// choices, a list compared with `=` instead of `selected()`, a number or
/// date field compared with text that is neither.
fn check_values<'a>(
    expr: &Expr,
    field: &dyn Fn(&str) -> Option<&'a FieldDef>,
    report: &mut dyn FnMut(String),
) {
    expr.walk(&mut |e| match e {
        Expr::Compare(_, a, b) => {
            for (x, y) in [(a, b), (b, a)] {
                if let (Expr::Field(k), Expr::Str(v)) = (x.as_ref(), y.as_ref()) {
                    if let Some(f) = field(k) {
                        compared_literal(f, v, report);
                    }
                }
                if let Expr::Field(k) = x.as_ref() {
                    if field(k).is_some_and(holds_a_list) {
                        report(format!("{k} holds a list: use selected(${{{k}}}, …)"));
                    }
                }
            }
        }
        Expr::Call(Function::Selected, args) => {
            if let [Expr::Field(k), value] = args.as_slice() {
                let Some(f) = field(k) else { return };
                if !(f.field_type.has_choices() || f.field_type == FieldType::Link) {
                    report(format!("selected() needs a choice field, {k} is not one"));
                } else if let Expr::Str(v) = value {
                    if f.field_type.has_choices() && f.choice(v).is_none() {
                        report(format!("'{v}' is not a choice of {k}"));
                    }
                }
            }
        }
        _ => {}
    });
}

fn holds_a_list(f: &FieldDef) -> bool {
    matches!(
        f.field_type,
        FieldType::MultipleChoice | FieldType::Quantities
    ) || (f.field_type == FieldType::Link && f.multiple)
}

/// A field compared with a quoted literal: the literal must be something
/// the field can hold (the empty string always can: it means unset).
fn compared_literal(f: &FieldDef, v: &str, report: &mut dyn FnMut(String)) {
    if v.is_empty() {
        return;
    }
    let k = &f.key;
    let fits = match f.field_type {
        FieldType::SingleChoice => f.choice(v).is_some(),
        FieldType::Integer | FieldType::Decimal => v.trim().parse::<f64>().is_ok(),
        FieldType::Date | FieldType::Datetime => {
            parse_date(v).is_ok() || chrono::DateTime::parse_from_rfc3339(v).is_ok()
        }
        FieldType::YesNo => matches!(v, "yes" | "no"),
        _ => true,
    };
    if !fits {
        let what = match f.field_type {
            FieldType::SingleChoice => "a choice",
            FieldType::YesNo => "'yes' or 'no'",
            FieldType::Integer | FieldType::Decimal => "a number",
            _ => "a date",
        };
        report(format!("'{v}' is not {what} of {k}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn problems(fields: Value) -> Vec<String> {
        let spec: FormSpec = serde_json::from_value(json!({
            "kind": "meeting", "version": 1,
            "title": {"vi": "Sinh hoạt nhóm", "en": "Meeting"},
            "fields": fields
        }))
        .unwrap();
        match check_and_compile(&spec) {
            Ok(_) => vec![],
            Err(DefinitionError::Invalid { problems, .. }) => problems,
            Err(e) => panic!("{e}"),
        }
    }

    fn label() -> Value {
        json!({"vi": "Nhãn", "en": "Label"})
    }

    #[test]
    fn a_sound_definition_passes() {
        let p = problems(json!([
            {"key": "date", "type": "date", "label": label(), "default": "today", "constraints": {"max": "today"}},
            {"key": "status", "type": "single_choice", "label": label(), "default": "a",
             "choices": [{"value": "a", "label": label()}, {"value": "b", "label": label()}]},
            {"key": "later", "type": "date", "label": label(), "relevant": "${status} = 'b' and ${date} <= today()",
             "constraint": ". >= ${date}", "constraint_message": label()}
        ]));
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn reports_every_problem() {
        let p = problems(json!([
            {"key": "a", "type": "text", "label": {"vi": "A", "en": ""}},
            {"key": "a", "type": "text", "label": label()},
            {"key": "Bad-Key", "type": "text", "label": label()},
            {"key": "c", "type": "single_choice", "label": label()},
            {"key": "d", "type": "link", "label": label()},
            {"key": "e", "type": "text", "label": label(), "relevant": "${later} = 'x'"},
            {"key": "f", "type": "text", "label": label(), "relevant": "${a} = "},
            {"key": "g", "type": "integer", "label": label(), "constraints": {"max": "today"}},
            {"key": "h", "type": "text", "label": label(), "constraint": ". != 'x'"},
            {"key": "i", "type": "text", "label": label(), "constraints": {"pattern": "("}},
            {"key": "j", "type": "integer", "label": label(), "default": "many"},
            {"key": "k", "type": "integer", "label": label(), "multiline": true},
            {"key": "l", "type": "single_choice", "label": label(), "single_as_list": true,
             "choices": [{"value": "a", "label": label()}]},
            {"key": "m", "type": "integer", "label": label(), "default": "1"},
            {"key": "later", "type": "text", "label": label()}
        ]));
        let expect = [
            "a: label has no English text",
            "field key 'a' is used twice",
            "field key 'Bad-Key'",
            "c: a single_choice field needs choices",
            "d: a link field needs link_kind",
            "e: relevant expression refers to 'later', which is not a field defined above this one",
            "f: relevant expression '${a} = ' does not parse",
            "g: max",
            "h: a constraint needs a constraint_message",
            "i: pattern does not compile",
            "j: default \"many\" is not a valid integer value",
            "k: only text fields can be multiline",
            "l: single_as_list applies only to multiple choice and multiple link fields",
            "m: default \"1\" is not a valid integer value",
        ];
        for e in expect {
            assert!(p.iter().any(|x| x.contains(e)), "missing {e:?} in {p:#?}");
        }
    }

    #[test]
    fn expressions_are_type_checked() {
        let p = problems(json!([
            {"key": "n", "type": "integer", "label": label()},
            {"key": "s", "type": "single_choice", "label": label(),
             "choices": [{"value": "a", "label": label()}]},
            {"key": "m", "type": "multiple_choice", "label": label(),
             "choices": [{"value": "a", "label": label()}]},
            {"key": "d", "type": "date", "label": label()},
            {"key": "y", "type": "yes_no", "label": label()},
            {"key": "x1", "type": "text", "label": label(), "relevant": "${n} = 'five'"},
            {"key": "x2", "type": "text", "label": label(), "relevant": "${s} = 'zz'"},
            {"key": "x3", "type": "text", "label": label(), "relevant": "${s} = 'a' or 'zz' = ${s}"},
            {"key": "x4", "type": "text", "label": label(), "relevant": "selected(${m}, 'zz')"},
            {"key": "x5", "type": "text", "label": label(), "relevant": "${m} = 'a'"},
            {"key": "x6", "type": "text", "label": label(), "relevant": "${d} > 'soon'"},
            {"key": "x7", "type": "text", "label": label(), "relevant": "selected(${n}, '1')"},
            {"key": "x8", "type": "text", "label": label(), "relevant": "${y} = 'true'"},
            {"key": "x9", "type": "text", "label": label(), "relevant": ". = 'a'"},
            {"key": "ok", "type": "text", "label": label(),
             "relevant": "${n} >= 3 and ${s} = 'a' and ${s} != '' and selected(${m}, 'a') and ${d} > '2020-01-01' and ${d} <= today() and ${y} = 'yes' and ${n} = '3'"}
        ]));
        for key in ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"] {
            assert!(
                p.iter().any(|x| x.starts_with(&format!("{key}:"))),
                "{key} not caught: {p:#?}"
            );
        }
        assert!(!p.iter().any(|x| x.starts_with("ok:")), "{p:#?}");
    }
}
