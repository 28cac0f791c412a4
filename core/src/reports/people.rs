//! Who the clients are, for counting: client records that share an
//! identifier code (UIC) are one person.

use serde_json::Value;
use std::collections::HashMap;

use super::breakdown::Demographics;
use crate::record::RecordId;
use crate::store::RecordView;

/// One person: the clients with one identifier code, or a client without one.
#[derive(Debug, Clone)]
struct Person {
    sex: Option<String>,
    birth_year: Option<i64>,
}

/// An index into [`People`]: the same number for every client record of a person.
pub type PersonId = usize;

/// The persons the clients are, so that each is counted once however many client records they have.
#[derive(Debug, Default)]
pub struct People {
    persons: Vec<Person>,
    by_client: HashMap<RecordId, PersonId>,
}

impl People {
    /// Groups the (not deleted) clients by identifier code. A person's sex and
    /// birth year come from the oldest of their records that has each one.
    pub fn from_clients(clients: &[RecordView]) -> People {
        let mut order: Vec<&RecordView> = clients.iter().collect();
        order.sort_by_key(|c| (c.created_at, c.id));
        let mut people = People::default();
        let mut by_code: HashMap<&str, PersonId> = HashMap::new();
        for client in order {
            let code = client.text("uic").filter(|c| !c.is_empty());
            let existing = code.and_then(|c| by_code.get(c).copied());
            let person = match existing {
                Some(p) => p,
                None => {
                    people.persons.push(Person {
                        sex: None,
                        birth_year: None,
                    });
                    let p = people.persons.len() - 1;
                    if let Some(c) = code {
                        by_code.insert(c, p);
                    }
                    p
                }
            };
            let entry = &mut people.persons[person];
            if entry.sex.is_none() {
                entry.sex = client.text("sex").map(str::to_string);
            }
            if entry.birth_year.is_none() {
                entry.birth_year = client.values.get("birth_year").and_then(Value::as_i64);
            }
            people.by_client.insert(client.id, person);
        }
        people
    }

    /// The person a record links to through `client_id`, if that client is on
    /// this device and not deleted.
    pub fn of_record(&self, record: &RecordView) -> Option<PersonId> {
        let id: RecordId = record.text("client_id")?.parse().ok()?;
        self.by_client.get(&id).copied()
    }

    /// The person's sex and age band in `year`; unknown for no person.
    pub fn demographics(&self, person: Option<PersonId>, year: i32) -> Demographics<'_> {
        match person.and_then(|p| self.persons.get(p)) {
            Some(p) => Demographics::of(p.sex.as_deref(), p.birth_year, year),
            None => Demographics::unknown(),
        }
    }
}
