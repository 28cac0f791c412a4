//! Helpers the core's unit tests share: a team whose roster is signed, and
//! the team keys a supervisor's code hands a new member.

use chrono::Utc;
use fieldbook_trust::Roster;

use crate::crypto::TeamKey;
use crate::enrollment::{open_bundle, EnrollmentCode};
use crate::store::{Role, Store};

/// Signs a team's first roster on a supervisor's store, as its first sync would.
pub fn sign_roster(supervisor: &mut Store) {
    if supervisor.roster().unwrap().is_some() {
        return;
    }
    let links = crate::sync::roster::genesis_links(supervisor, &[]).unwrap();
    let roster = Roster::from_chain(supervisor.team_id().0, None, &links).unwrap();
    supervisor.set_roster(&roster).unwrap();
}

/// The team keys a code from `supervisor` gives a new device in `role`.
pub fn member_keys(supervisor: &mut Store, role: Role) -> Vec<TeamKey> {
    sign_roster(supervisor);
    let invite = supervisor
        .make_invite(role, Utc::now() + chrono::Duration::days(1))
        .unwrap();
    let code = EnrollmentCode::parse(&invite.code.to_text()).unwrap();
    open_bundle(&code, &invite.request.key_bundle)
        .unwrap()
        .team_keys()
        .unwrap()
}
