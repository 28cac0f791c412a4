//! The expression table: each source, the value it must give (as its
//! string reading), dates included, against one fixed scope.

use super::*;
use crate::lang::Lang;
use std::collections::HashMap;

struct Values(HashMap<&'static str, Val>);

impl Scope for Values {
    fn get(&self, field: &str) -> Val {
        self.0.get(field).cloned().unwrap_or(Val::Empty)
    }
    fn today(&self) -> NaiveDate {
        date("2026-11-20")
    }
    fn now(&self) -> DateTime<Utc> {
        "2026-11-20T09:15:00Z".parse().unwrap()
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn scope() -> Values {
    Values(HashMap::from([
        ("status", Val::Str("completed".into())),
        ("age", Val::Num(30.0)),
        ("total", Val::Num(10.0)),
        ("women", Val::Num(4.0)),
        ("price", Val::Num(2.345)),
        ("injecting", Val::YesNo(true)),
        ("sharing", Val::YesNo(false)),
        ("blank", Val::Str(String::new())),
        ("alias", Val::Str("Tuấn béo".into())),
        ("phone", Val::Str("0912345678".into())),
        ("date", Val::Date(date("2026-11-20"))),
        ("due", Val::Date(date("2026-11-27"))),
        ("born", Val::Date(date("1990-06-15"))),
        ("at", Val::DateTime("2026-11-20T01:30:00Z".parse().unwrap())),
        (
            "substances",
            Val::List(vec!["heroin".into(), "alcohol".into()]),
        ),
    ]))
}

fn value(src: &str, current: Option<&str>) -> String {
    Expr::parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .value(&scope(), current)
        .as_string()
}

/// (source, expected string reading); `.` stands for `age`.
const TABLE: &[(&str, &str)] = &[
    // references, literals, `.`
    ("${age}", "30"),
    (".", "30"),
    ("${missing}", ""),
    ("\"it's\"", "it's"),
    ("-1.5", "-1.5"),
    // comparisons
    ("${age} = 30", "true"),
    ("${age} != 31", "true"),
    (
        "${age} < 31 and ${age} <= 30 and ${age} > 29 and ${age} >= 30",
        "true",
    ),
    ("${age} = '30'", "true"),
    ("${women} <= ${total}", "true"),
    ("${status} = 'completed'", "true"),
    ("${status} != 'completed'", "false"),
    ("'10' < '9'", "false"),
    ("'abc' = 'abc'", "true"),
    // an unset field is the empty string
    ("${missing} = ''", "true"),
    ("${missing} != ''", "false"),
    ("${missing} = 'x'", "false"),
    ("${missing} != 'x'", "true"),
    ("${missing} < 3", "false"),
    ("${missing} >= 3", "false"),
    ("${missing} = 0", "false"),
    ("${blank} = ''", "true"),
    ("${missing} = '' or ${women} <= ${missing}", "true"),
    // booleans and yes/no fields
    ("${injecting}", "yes"),
    ("${injecting} = 'yes'", "true"),
    ("${sharing} = 'no'", "true"),
    ("${injecting} = true()", "true"),
    ("${sharing} = false()", "true"),
    ("not(${sharing})", "true"),
    ("if(${injecting}, 'a', 'b')", "a"),
    ("if(${sharing}, 'a', 'b')", "b"),
    ("true() and not(false())", "true"),
    ("true() or false() and false()", "true"),
    ("(true() or false()) and false()", "false"),
    // arithmetic
    ("1 + 2 * 3", "7"),
    ("(1 + 2) * 3", "9"),
    ("7 div 2", "3.5"),
    ("7 mod 3", "1"),
    ("-7 mod 3", "-1"),
    ("1 div 0", "Infinity"),
    ("${total} - ${women}", "6"),
    ("- ${age}", "-30"),
    ("${age} - -1", "31"),
    ("${missing} + 1", "NaN"),
    ("'3' + 4", "7"),
    // functions
    ("selected(${substances}, 'heroin')", "true"),
    ("selected(${substances}, 'opium')", "false"),
    ("selected(${status}, 'completed')", "true"),
    ("selected('a b c', 'b')", "true"),
    ("selected(${missing}, 'x')", "false"),
    ("count-selected(${substances})", "2"),
    ("count-selected(${missing})", "0"),
    ("coalesce(${missing}, ${status})", "completed"),
    ("coalesce(${blank}, ${missing}, 'x')", "x"),
    ("coalesce(${missing}, ${blank})", ""),
    ("string-length(${alias})", "8"),
    ("string-length(${missing})", "0"),
    ("regex(${phone}, '^0[0-9]{9}$')", "true"),
    ("regex(${alias}, '^[0-9]+$')", "false"),
    ("regex(${phone}, '345')", "true"),
    ("regex(., '^3')", "true"),
    ("concat(${alias}, ' / ', ${age})", "Tuấn béo / 30"),
    ("concat(${missing}, 'x')", "x"),
    ("int(3.7)", "3"),
    ("int(-3.7)", "-3"),
    ("int('12')", "12"),
    ("round(2.5)", "3"),
    ("round(-2.5)", "-3"),
    ("round(${price}, 2)", "2.35"),
    ("round(1234.5, -2)", "1200"),
    ("number('1.50')", "1.5"),
    ("number('x')", "NaN"),
    ("string(4)", "4"),
    // dates
    ("today()", "2026-11-20"),
    ("now()", "2026-11-20T09:15:00Z"),
    ("${date} = today()", "true"),
    (
        "${due} > ${date} and ${due} >= ${date} and not(${due} < ${date})",
        "true",
    ),
    ("${date} = '2026-11-20' and '2026-11-19' < ${date}", "true"),
    ("${due} >= '2026-11-27' and ${due} < '2026-12-01'", "true"),
    ("${date} = 'soon'", "false"),
    ("${date} != 'soon'", "true"),
    ("${date} != ''", "true"),
    ("${missing} < today()", "false"),
    ("${at} = ${date} and ${at} >= today()", "true"),
    ("${at} < '2026-11-20T02:00:00Z'", "true"),
    ("${at} > '2026-11-20T01:00:00Z'", "true"),
    ("today() + 7", "20784"),
    ("date(today() + 7)", "2026-11-27"),
    ("date(today() + 7) = ${due}", "true"),
    ("${due} - ${date}", "7"),
    ("${due} <= today() + 7", "true"),
    ("${due} < today() + 7", "false"),
    ("date('2026-02-30')", ""),
    ("date('2024-02-29')", "2024-02-29"),
    ("date(0)", "1970-01-01"),
    ("decimal-date-time(${at})", "20777.0625"),
    ("decimal-date-time('1970-01-02')", "1"),
    ("decimal-date-time(${date})", "20777"),
    ("int((today() - ${born}) div 365.25)", "36"),
    (
        "int((decimal-date-time(now()) - decimal-date-time(${born})) div 365.25) >= 18",
        "true",
    ),
    ("if(${due} - today() <= 7, 'soon', 'later')", "soon"),
];

#[test]
fn the_table_evaluates_as_written() {
    let mut wrong = Vec::new();
    for (src, want) in TABLE {
        let got = value(src, Some("age"));
        if got != *want {
            wrong.push(format!("{src}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_function_appears_in_the_table() {
    for f in Function::ALL {
        let call = format!("{}(", f.name());
        assert!(
            TABLE.iter().any(|(src, _)| src.contains(&call)),
            "{} is not in the table",
            f.name()
        );
    }
}

#[test]
fn references_and_current_are_listed() {
    let e = Expr::parse("${a} = 1 and (selected(${b}, 'x') or . > ${c}) and if(${d}, ${e}, 2)")
        .unwrap();
    assert_eq!(e.fields(), vec!["a", "b", "c", "d", "e"]);
    assert!(e.uses_current());
    assert!(!Expr::parse("${a} + 1").unwrap().uses_current());
}

/// Each refusal: the source, the 1-based character it points at, and the
/// English message's start.
const REFUSED: &[(&str, usize, &str)] = &[
    ("", 1, "expected a value"),
    ("${age} =", 9, "expected a value"),
    ("${age} = 1)", 11, "expected the end"),
    ("(${age} = 1", 12, "expected ')'"),
    ("age = 1", 1, "bare name 'age'"),
    ("/data/age = 1", 1, "'/' is not supported"),
    ("${a}[1]", 5, "'[' is not supported"),
    ("${a} | ${b}", 6, "'|' is not supported"),
    ("../a", 1, "'..' is not supported"),
    ("jr:choice-name(${a}, 'x')", 1, "'jr:' is not supported"),
    ("${a} = 'x", 8, "unterminated string"),
    ("${} = 1", 1, "a field reference"),
    ("$age", 1, "a field reference"),
    ("${1a}", 1, "a field reference"),
    (
        "pulldata('x', 'y')",
        1,
        "function 'pulldata()' is not supported",
    ),
    ("selected(${a})", 1, "selected() takes 2 arguments, given 1"),
    ("today(1)", 1, "today() takes 0 arguments, given 1"),
    ("round(1, 2, 3)", 1, "round() takes 1–2 arguments, given 3"),
    ("concat('a')", 1, "concat() takes 2+ arguments, given 1"),
    ("if(1, 2 3)", 9, "expected ',' / ')'"),
    ("regex(${a}, ${b})", 1, "regex() needs its pattern"),
    ("regex(${a}, '(')", 1, "regex() pattern does not compile"),
    ("${a} # 1", 6, "unexpected character '#'"),
];

#[test]
fn what_is_outside_the_subset_is_refused_where_it_starts() {
    for (src, at, start) in REFUSED {
        let e = Expr::parse(src).expect_err(src);
        assert_eq!(e.position + 1, *at, "{src}: {e}");
        assert!(
            e.message(Lang::En).starts_with(start),
            "{src}: {}",
            e.message(Lang::En)
        );
        let vi = e.message(Lang::Vi);
        assert!(vi.contains(&format!("ở ký tự {at}")), "{src}: {vi}");
        assert_ne!(vi, e.message(Lang::En), "{src}: no Vietnamese");
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let src = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = Expr::parse(&src).expect_err("too deep");
    assert!(e.to_string().contains("nesting"), "{e}");
}

#[test]
fn strings_keep_unicode_and_the_other_quote() {
    let e = Expr::parse("${alias} = 'Tuấn béo' and \"l'an\" = concat(\"l'\", 'an')").unwrap();
    assert!(e.holds(&scope(), None));
}
