//! Reading an XLSForm workbook into a checked form definition.
//!
//! Every problem is collected, each at its sheet, row and column, before
//! anything is refused: a program officer fixes the workbook once, not
//! once per error.

use crate::columns::{self, fieldbook, FIELD_LIST, MULTILINE, NOT_YET, PLAIN, TEL, TRANSLATED};
use crate::error::{ImportError, Place, Problem, ProblemKind};
use crate::sheet::{Row, Sheet, Workbook};
use fieldbook_core::forms::expr::Expr;
use fieldbook_core::forms::{
    Appearance, Bound, Choice, Constraints, DefinitionError, FieldDef, FieldType, FormDefinition,
    FormSpec, GroupDef, Localized,
};
use fieldbook_core::{Lang, RecordKind};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Reads a workbook (xlsx, xls or ods) into a checked form definition.
pub fn import(bytes: &[u8]) -> Result<FormDefinition, ImportError> {
    let book = Workbook::read(bytes)?;
    let mut reader = Reader::default();
    let settings = reader.settings(book.settings.as_ref());
    let lists = reader.choices(book.choices.as_ref(), settings.default_language);
    let survey = reader.survey(&book.survey, &lists, settings.default_language);
    let (Some(kind), Some(version), Some(title)) =
        (settings.kind, settings.version, settings.title)
    else {
        return Err(reader.refusal());
    };
    if !reader.problems.is_empty() {
        return Err(reader.refusal());
    }
    // The core names a field by its key and a group as "group KEY".
    let rows: HashMap<String, u32> = survey
        .fields
        .iter()
        .map(|(row, f)| (f.key.clone(), *row))
        .chain(
            survey
                .groups
                .iter()
                .map(|(row, g)| (format!("group {}", g.key), *row)),
        )
        .collect();
    let spec = FormSpec {
        kind,
        version,
        title,
        groups: survey.groups.into_iter().map(|(_, g)| g).collect(),
        fields: survey.fields.into_iter().map(|(_, f)| f).collect(),
    };
    FormDefinition::try_from(spec).map_err(|e| definition_problems(e, &rows))
}

/// The core's objections, each placed at its field's row.
fn definition_problems(e: DefinitionError, rows: &HashMap<String, u32>) -> ImportError {
    let problems = match e {
        DefinitionError::Json(why) => vec![(None, why)],
        DefinitionError::Invalid { problems, .. } => problems
            .into_iter()
            .map(|p| {
                let row = p
                    .split_once(": ")
                    .and_then(|(key, _)| rows.get(key).copied());
                (row, p)
            })
            .collect(),
    };
    ImportError {
        problems: problems
            .into_iter()
            .map(|(row, why)| Problem {
                place: Place {
                    sheet: "survey".into(),
                    row,
                    column: None,
                },
                kind: ProblemKind::Definition(why),
            })
            .collect(),
    }
}

#[derive(Default)]
struct Reader {
    problems: Vec<Problem>,
}

struct Settings {
    kind: Option<RecordKind>,
    version: Option<u32>,
    title: Option<Localized>,
    default_language: Lang,
}

/// The survey sheet read: its groups and fields, each with its row.
#[derive(Default)]
struct Survey {
    groups: Vec<(u32, GroupDef)>,
    fields: Vec<(u32, FieldDef)>,
}

/// A choice list: its choices, and the row of its first one.
struct List {
    row: u32,
    choices: Vec<Choice>,
}

impl Reader {
    fn refusal(self) -> ImportError {
        ImportError {
            problems: self.problems,
        }
    }

    fn report(&mut self, place: Place, kind: ProblemKind) {
        self.problems.push(Problem { place, kind });
    }

    /// A text in both languages from a translated column's cells; a plain
    /// column (no language) is the form's default language.
    fn localized(
        &mut self,
        sheet: &Sheet,
        row: &Row,
        base: &str,
        default_language: Lang,
        required: bool,
    ) -> Option<Localized> {
        let cell = |lang: Lang| {
            let own = sheet.column(base, Some(lang));
            let plain = (lang == default_language)
                .then(|| sheet.column(base, None))
                .flatten();
            [own, plain]
                .into_iter()
                .flatten()
                .map(|c| (c, row.get(Some(c))))
                .find(|(_, text)| !text.is_empty())
        };
        let (vi, en) = (cell(Lang::Vi), cell(Lang::En));
        if vi.is_none() && en.is_none() && !required {
            return None;
        }
        for (lang, found) in [(Lang::Vi, &vi), (Lang::En, &en)] {
            if found.is_none() {
                let column = sheet.column(base, Some(lang)).or(sheet.column(base, None));
                let place = match column {
                    Some(c) => sheet.place(row, Some(c)),
                    None => Place {
                        column: Some(columns::translated(base, lang)),
                        ..sheet.place(row, None)
                    },
                };
                self.report(place, ProblemKind::MissingTranslation(lang));
            }
        }
        Some(Localized {
            vi: vi?.1.to_string(),
            en: en?.1.to_string(),
        })
    }

    fn settings(&mut self, sheet: Option<&Sheet>) -> Settings {
        let mut out = Settings {
            kind: None,
            version: None,
            title: None,
            default_language: Lang::Vi,
        };
        let Some(sheet) = sheet else {
            self.report(Place::sheet("settings"), ProblemKind::MissingSheet);
            return out;
        };
        let Some(row) = sheet.rows.first() else {
            self.report(Place::sheet("settings"), ProblemKind::MissingColumn);
            return out;
        };
        let column = |name: &str| sheet.column(name, None);
        let language = column("default_language")
            .map(|c| row.get(Some(c)))
            .unwrap_or("");
        if !language.is_empty() {
            match language_of(language) {
                Some(lang) => out.default_language = lang,
                None => self.report(
                    sheet.place(row, column("default_language")),
                    ProblemKind::BadValue(format!(
                        "'{language}' is neither Vietnamese (vi) nor English (en)"
                    )),
                ),
            }
        }
        match column("form_id").map(|c| (c, row.get(Some(c)))) {
            None | Some((_, "")) => self.report(
                Place {
                    column: Some("form_id".into()),
                    ..sheet.place(row, None)
                },
                ProblemKind::MissingColumn,
            ),
            Some((c, id)) => match id.parse::<RecordKind>() {
                Ok(kind) if kind.as_str() == id => out.kind = Some(kind),
                _ => self.report(
                    sheet.place(row, Some(c)),
                    ProblemKind::UnknownFormId(id.into()),
                ),
            },
        }
        match column("version").map(|c| (c, row.get(Some(c)))) {
            None | Some((_, "")) => self.report(
                Place {
                    column: Some("version".into()),
                    ..sheet.place(row, None)
                },
                ProblemKind::MissingColumn,
            ),
            Some((c, v)) => match v.parse::<u32>() {
                Ok(n) if n >= 1 => out.version = Some(n),
                _ => self.report(
                    sheet.place(row, Some(c)),
                    ProblemKind::BadValue(format!("version '{v}' is not a whole number from 1")),
                ),
            },
        }
        out.title = self.localized(sheet, row, "form_title", out.default_language, true);
        out
    }

    fn choices(&mut self, sheet: Option<&Sheet>, lang: Lang) -> BTreeMap<String, List> {
        let mut lists: BTreeMap<String, List> = BTreeMap::new();
        let Some(sheet) = sheet else {
            return lists;
        };
        let (Some(list_col), Some(name_col)) =
            (sheet.column("list_name", None), sheet.column("name", None))
        else {
            for name in ["list_name", "name"] {
                if sheet.column(name, None).is_none() {
                    self.report(
                        Place {
                            column: Some(name.into()),
                            ..Place::sheet(&sheet.name)
                        },
                        ProblemKind::MissingColumn,
                    );
                }
            }
            return lists;
        };
        let extra = self.choice_columns(sheet);
        for row in &sheet.rows {
            let list = row.get(Some(list_col));
            let value = row.get(Some(name_col));
            if list.is_empty() {
                self.report(sheet.place(row, Some(list_col)), ProblemKind::MissingName);
                continue;
            }
            if value.is_empty() {
                self.report(sheet.place(row, Some(name_col)), ProblemKind::MissingName);
                continue;
            }
            let label = self.localized(sheet, row, "label", lang, true);
            let entry = lists.entry(list.to_string()).or_insert(List {
                row: row.number,
                choices: Vec::new(),
            });
            if entry.choices.iter().any(|c| c.value == value) {
                self.report(
                    sheet.place(row, Some(name_col)),
                    ProblemKind::DuplicateName(value.into()),
                );
                continue;
            }
            if let Some(label) = label {
                let columns = extra
                    .iter()
                    .map(|&(c, name)| (name.to_string(), row.get(Some(c)).to_string()))
                    .filter(|(_, v)| !v.is_empty())
                    .collect();
                entry.choices.push(Choice {
                    value: value.to_string(),
                    label,
                    columns,
                });
            }
        }
        lists
    }

    /// The choices sheet's further columns (what a `choice_filter` reads):
    /// every plainly named one besides list_name, name and the labels;
    /// others are refused at their header when used.
    fn choice_columns<'s>(&mut self, sheet: &'s Sheet) -> Vec<(usize, &'s str)> {
        let mut extra = Vec::new();
        for (c, header) in sheet.headers.iter().enumerate() {
            let base = header.base.as_str();
            let comment = base.starts_with('#') || base.starts_with('_');
            if header.text.trim().is_empty()
                || comment
                || matches!(base, "list_name" | "name" | "label")
            {
                continue;
            }
            let used = sheet.rows.iter().any(|r| !r.get(Some(c)).is_empty());
            if is_name(base) && header.lang.is_none() && !header.other_language {
                extra.push((c, base));
            } else if used {
                self.report(
                    sheet.header_place(c),
                    ProblemKind::Unsupported(header.text.trim().to_string()),
                );
            }
        }
        extra
    }

    /// Refuses the columns Fieldbook does not read, at their headers.
    fn survey_columns(&mut self, sheet: &Sheet) {
        for (c, header) in sheet.headers.iter().enumerate() {
            let base = header.base.as_str();
            let used = sheet.rows.iter().any(|r| !r.get(Some(c)).is_empty());
            let known = PLAIN.contains(&base)
                || TRANSLATED.contains(&base)
                || fieldbook::ALL.contains(&base);
            if header.text.trim().is_empty() || base.starts_with('#') || base.starts_with('_') {
                continue;
            }
            if header.other_language {
                if used {
                    self.report(
                        sheet.header_place(c),
                        ProblemKind::Unsupported(header.text.trim().to_string()),
                    );
                }
            } else if NOT_YET.contains(&base) || base == "calculate" {
                if used {
                    self.report(sheet.header_place(c), ProblemKind::Unsupported(base.into()));
                }
            } else if !known || (header.lang.is_some() && !TRANSLATED.contains(&base)) {
                self.report(sheet.header_place(c), ProblemKind::UnknownColumn);
            }
        }
    }

    fn survey(&mut self, sheet: &Sheet, lists: &BTreeMap<String, List>, lang: Lang) -> Survey {
        self.survey_columns(sheet);
        let mut survey = Survey::default();
        let (Some(type_col), Some(name_col)) =
            (sheet.column("type", None), sheet.column("name", None))
        else {
            for name in ["type", "name"] {
                if sheet.column(name, None).is_none() {
                    self.report(
                        Place {
                            column: Some(name.into()),
                            ..Place::sheet("survey")
                        },
                        ProblemKind::MissingColumn,
                    );
                }
            }
            return survey;
        };
        // The groups begun and not yet ended, innermost last, with their rows.
        let mut open: Vec<(String, u32)> = Vec::new();
        for row in &sheet.rows {
            let place = |c: Option<usize>| sheet.place(row, c);
            let type_text = collapse(row.get(Some(type_col)));
            if type_text.is_empty() {
                self.report(place(Some(type_col)), ProblemKind::MissingColumn);
                continue;
            }
            if matches!(type_text.as_str(), "end_group" | "end group") {
                if open.pop().is_none() {
                    self.report(place(Some(type_col)), ProblemKind::UnbalancedGroup);
                }
                continue;
            }
            if let Some(why) = columns::refused_type(&type_text) {
                self.report(place(Some(type_col)), ProblemKind::Unsupported(why.into()));
                continue;
            }
            let key = row.get(Some(name_col));
            if key.is_empty() {
                self.report(place(Some(name_col)), ProblemKind::MissingName);
                continue;
            }
            if !is_name(key) {
                self.report(place(Some(name_col)), ProblemKind::BadName(key.into()));
                continue;
            }
            let taken = survey.fields.iter().any(|(_, f)| f.key == key)
                || survey.groups.iter().any(|(_, g)| g.key == key);
            if taken {
                self.report(
                    place(Some(name_col)),
                    ProblemKind::DuplicateName(key.into()),
                );
                continue;
            }
            let parent = open.last().map(|(k, _)| k.clone());
            if matches!(type_text.as_str(), "begin_group" | "begin group") {
                if let Some(group) = self.group(sheet, row, key, parent, lang) {
                    survey.groups.push((row.number, group));
                }
                // Opened even when refused, so its end_group still matches.
                open.push((key.to_string(), row.number));
                continue;
            }
            let Some((field_type, choices)) = self.field_type(sheet, row, &type_text, lists) else {
                continue;
            };
            if let Some(mut field) = self.field(sheet, row, key, field_type, choices, lang) {
                field.hidden = type_text == "hidden";
                field.group = parent;
                survey.fields.push((row.number, field));
            }
        }
        for (_, begun) in open {
            self.report(
                Place {
                    row: Some(begun),
                    column: sheet.headers.get(type_col).map(|h| h.text.clone()),
                    ..Place::sheet(&sheet.name)
                },
                ProblemKind::UnbalancedGroup,
            );
        }
        survey
    }

    /// A `begin_group` row: its label (optional), its skip rule, and the
    /// one appearance a group may have.
    fn group(
        &mut self,
        sheet: &Sheet,
        row: &Row,
        key: &str,
        parent: Option<String>,
        lang: Lang,
    ) -> Option<GroupDef> {
        let before = self.problems.len();
        let label = self.localized(sheet, row, "label", lang, false);
        let relevant = self.expression(sheet, row, "relevant");
        let appearance = sheet.column("appearance", None);
        if let Some(other) = row
            .get(appearance)
            .split_whitespace()
            .find(|a| *a != FIELD_LIST)
        {
            self.report(
                sheet.place(row, appearance),
                ProblemKind::Unsupported(format!("appearance {other}")),
            );
        }
        for column in PLAIN
            .iter()
            .filter(|c| !matches!(**c, "type" | "name" | "relevant" | "appearance"))
        {
            let c = sheet.column(column, None);
            if !row.get(c).is_empty() {
                self.report(
                    sheet.place(row, c),
                    ProblemKind::BadValue(format!("a group has no {column}")),
                );
            }
        }
        (self.problems.len() == before).then(|| GroupDef {
            key: key.to_string(),
            label,
            relevant,
            parent,
        })
    }

    /// The field type of a `type` cell, and its choices for a select.
    fn field_type(
        &mut self,
        sheet: &Sheet,
        row: &Row,
        type_text: &str,
        lists: &BTreeMap<String, List>,
    ) -> Option<(FieldType, Vec<Choice>)> {
        let type_col = sheet.column("type", None);
        let flag = |name: &str| row.get(sheet.column(name, None)) == "yes";
        let (word, list) = match type_text.split_once(' ') {
            Some((w, l)) => (w, Some(l.trim())),
            None => (type_text, None),
        };
        let appearance = row.get(sheet.column("appearance", None));
        let plain = match (word, list) {
            ("text", None) if !row.get(sheet.column(fieldbook::LINK, None)).is_empty() => {
                Some(FieldType::Link)
            }
            ("text", None) if appearance.split_whitespace().any(|a| a == TEL) => {
                Some(FieldType::Phone)
            }
            ("text" | "hidden", None) => Some(FieldType::Text),
            ("note", None) => Some(FieldType::Note),
            ("calculate", None) => Some(FieldType::Calculate),
            ("integer" | "int", None) => Some(FieldType::Integer),
            ("decimal", None) => Some(FieldType::Decimal),
            ("date", None) => Some(FieldType::Date),
            ("datetime" | "dateTime", None) => Some(FieldType::Datetime),
            ("select_one" | "select_multiple", Some(_)) => None,
            _ => {
                self.report(
                    sheet.place(row, type_col),
                    ProblemKind::UnknownType(type_text.into()),
                );
                return None;
            }
        };
        if let Some(t) = plain {
            return Some((t, Vec::new()));
        }
        let list_name = list.unwrap_or_default();
        let Some(list) = lists.get(list_name) else {
            self.report(
                sheet.place(row, type_col),
                ProblemKind::UnknownList(list_name.into()),
            );
            return None;
        };
        if list.choices.is_empty() {
            self.report(
                Place {
                    row: Some(list.row),
                    ..Place::sheet("choices")
                },
                ProblemKind::EmptyList(list_name.into()),
            );
            return None;
        }
        let mut values: Vec<&str> = list.choices.iter().map(|c| c.value.as_str()).collect();
        values.sort_unstable();
        Some(match word {
            // A yes/no select is a yes/no field: it stores true or false,
            // and expressions still read it as 'yes' or 'no'.
            "select_one" if values == ["no", "yes"] => (FieldType::YesNo, Vec::new()),
            "select_one" => (FieldType::SingleChoice, list.choices.clone()),
            _ if flag(fieldbook::QUANTITIES) => (FieldType::Quantities, list.choices.clone()),
            _ => (FieldType::MultipleChoice, list.choices.clone()),
        })
    }

    fn field(
        &mut self,
        sheet: &Sheet,
        row: &Row,
        key: &str,
        field_type: FieldType,
        choices: Vec<Choice>,
        lang: Lang,
    ) -> Option<FieldDef> {
        let col = |name: &str| sheet.column(name, None);
        let before = self.problems.len();
        let label = self.localized(sheet, row, "label", lang, true);
        let hint = self.localized(sheet, row, "hint", lang, false);
        let constraint_message = self.localized(sheet, row, "constraint_message", lang, false);
        let required_message = self.localized(sheet, row, "required_message", lang, false);
        let mut flag = |name: &str| -> bool {
            let c = col(name);
            match row.get(c) {
                "" | "no" | "false" | "false()" | "FALSE" => false,
                "yes" | "true" | "true()" | "TRUE" => true,
                other => {
                    self.report(sheet.place(row, c), ProblemKind::NotYesNo(other.into()));
                    false
                }
            }
        };
        let required = flag("required");
        let read_only = flag("read_only");
        let multiple = flag(fieldbook::MULTIPLE);
        let input_only = flag(fieldbook::INPUT_ONLY);
        let system = flag(fieldbook::SYSTEM);
        let single_as_list = flag(fieldbook::SINGLE_AS_LIST);
        // Read for its check only: the type was settled from it already.
        let _ = flag(fieldbook::QUANTITIES);
        let relevant = self.expression(sheet, row, "relevant");
        let constraint = self.expression(sheet, row, "constraint");
        let calculation = self.expression(sheet, row, "calculation");
        let choice_filter = self.choice_filter(sheet, row);
        let (appearance, multiline) = self.appearance(sheet, row, field_type);
        let link_kind = match row.get(col(fieldbook::LINK)) {
            "" => None,
            k => match k.parse::<RecordKind>() {
                Ok(kind) => Some(kind),
                Err(_) => {
                    self.report(
                        sheet.place(row, col(fieldbook::LINK)),
                        ProblemKind::UnknownFormId(k.into()),
                    );
                    None
                }
            },
        };
        let constraints = Constraints {
            min: bound(row.get(col(fieldbook::MIN))),
            max: bound(row.get(col(fieldbook::MAX))),
            min_length: self.count(sheet, row, fieldbook::MIN_LENGTH),
            max_length: self.count(sheet, row, fieldbook::MAX_LENGTH),
            pattern: Some(row.get(col(fieldbook::PATTERN)))
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        };
        let default = match row.get(col("default")) {
            "" => None,
            text => match default_value(field_type, multiple, text) {
                Ok(v) => Some(v),
                Err(why) => {
                    self.report(sheet.place(row, col("default")), ProblemKind::BadValue(why));
                    None
                }
            },
        };
        if self.problems.len() > before {
            return None;
        }
        Some(FieldDef {
            required,
            required_message,
            hint,
            choices,
            constraints,
            relevant,
            constraint,
            constraint_message,
            default,
            input_only,
            system,
            link_kind,
            multiple,
            multiline,
            single_as_list,
            read_only,
            calculation,
            choice_filter,
            appearance,
            ..FieldDef::new(key, field_type, label?)
        })
    }

    /// The `appearance` cell: Fieldbook's appearances, and whether the text
    /// is multi-line. `numbers tel` made the field a phone number already.
    fn appearance(
        &mut self,
        sheet: &Sheet,
        row: &Row,
        field_type: FieldType,
    ) -> (Vec<Appearance>, bool) {
        let c = sheet.column("appearance", None);
        let mut appearances = Vec::new();
        let mut multiline = false;
        for word in row.get(c).split_whitespace() {
            let phone = field_type == FieldType::Phone;
            match Appearance::ALL.into_iter().find(|a| a.as_str() == word) {
                Some(Appearance::Numbers) if phone => {}
                Some(a) => appearances.push(a),
                None if word == MULTILINE => multiline = true,
                None if word == TEL && phone => {}
                None => self.report(
                    sheet.place(row, c),
                    ProblemKind::Unsupported(format!("appearance {word}")),
                ),
            }
        }
        (appearances, multiline)
    }

    /// A `choice_filter` cell, where bare names are the choices' columns.
    fn choice_filter(&mut self, sheet: &Sheet, row: &Row) -> Option<String> {
        let c = sheet.column("choice_filter", None);
        let source = row.get(c);
        if source.is_empty() {
            return None;
        }
        if let Err(e) = Expr::parse_choice_filter(source) {
            self.report(sheet.place(row, c), ProblemKind::Expression(e));
        }
        Some(source.to_string())
    }

    /// An expression cell, parsed here so a refusal points at its cell.
    fn expression(&mut self, sheet: &Sheet, row: &Row, column: &str) -> Option<String> {
        let c = sheet.column(column, None);
        let source = row.get(c);
        if source.is_empty() {
            return None;
        }
        if let Err(e) = Expr::parse(source) {
            self.report(sheet.place(row, c), ProblemKind::Expression(e));
        }
        Some(source.to_string())
    }

    fn count(&mut self, sheet: &Sheet, row: &Row, column: &str) -> Option<usize> {
        let c = sheet.column(column, None);
        match row.get(c) {
            "" => None,
            text => match text.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.report(
                        sheet.place(row, c),
                        ProblemKind::BadValue(format!("'{text}' is not a whole number")),
                    );
                    None
                }
            },
        }
    }
}

/// Runs of spaces in a type cell count as one (`select_one  list`).
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_name(key: &str) -> bool {
    key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn language_of(text: &str) -> Option<Lang> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("(vi)") || lower == "vi" || lower.starts_with("vietnamese") {
        Some(Lang::Vi)
    } else if lower.contains("(en)") || lower == "en" || lower.starts_with("english") {
        Some(Lang::En)
    } else {
        None
    }
}

fn bound(text: &str) -> Option<Bound> {
    if text.is_empty() {
        return None;
    }
    Some(match serde_json::from_str::<serde_json::Number>(text) {
        Ok(n) => Bound::Number(n),
        Err(_) => Bound::Text(text.to_string()),
    })
}

/// A `default` cell as the JSON value the field stores.
fn default_value(t: FieldType, multiple: bool, text: &str) -> Result<Value, String> {
    let number = |text: &str| {
        serde_json::from_str::<serde_json::Number>(text)
            .map(Value::Number)
            .map_err(|_| format!("'{text}' is not a number"))
    };
    Ok(match t {
        FieldType::Date if text == "today()" => Value::String("today".into()),
        FieldType::Datetime if text == "now()" => Value::String("now".into()),
        FieldType::Integer | FieldType::Decimal => number(text)?,
        FieldType::YesNo => match text {
            "yes" | "true()" => Value::Bool(true),
            "no" | "false()" => Value::Bool(false),
            other => return Err(format!("'{other}' is not yes or no")),
        },
        FieldType::MultipleChoice => Value::Array(
            text.split_whitespace()
                .map(|w| Value::String(w.into()))
                .collect(),
        ),
        FieldType::Link if multiple => Value::Array(
            text.split_whitespace()
                .map(|w| Value::String(w.into()))
                .collect(),
        ),
        FieldType::Quantities => serde_json::from_str(text)
            .map_err(|_| format!("'{text}' is not a JSON object of counts"))?,
        _ => Value::String(text.into()),
    })
}
