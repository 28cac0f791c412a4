//! Enrolling this device with a hub using a one-time code, and creating its
//! store.
//!
//! With a code that carries the team's fingerprint, nothing the hub says is
//! taken on its word: the device looks the invite up, verifies the team's
//! roster from its genesis against the fingerprint, finds in it the invite
//! (certified by a supervisor, with the one-time key the code derives) and
//! the roster link its supervisor had last verified (sealed in the code's
//! bundle), and only then signs its join with the invite's key and enrolls.
//!
//! A team's first supervisor enrolls with a code without a fingerprint and
//! no keys: its device makes the team keys and the team root, and signs the
//! roster's genesis. A code made before the team signed its roster enrolls
//! the old way; that device takes the roster on first use later.

use fieldbook_proto::endpoint::{AppendRoster, Enroll, LookUpInvite};
use fieldbook_proto::enroll::{
    EnrollRequest, EnrollResponse, InviteLookup, InviteLookupRequest, SignedJoin,
};
use fieldbook_proto::roster::{AppendRosterRequest, MAX_ROSTER_LINKS};
use fieldbook_trust::{Link, Member, Roster, SigningKey, TrustError};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use uuid::Uuid;

use super::pinning::CertificatePin;
use super::roster::{fetch_links, genesis_links, join_statement};
use super::summary::SyncSummary;
use super::transport::{HubClient, RetryPolicy};
use crate::crypto::{DeviceKeyPair, PlatformKeyProvider};
use crate::enrollment::{open_bundle, EnrollmentCode, KeyBundle};
use crate::record::{DeviceId, TeamId};
use crate::store::{check_pin, CreateOptions, HubLink, Membership, Role, Store};
use crate::{Error, Result};

/// `hub_certificate` is the SHA-256 of the hub's certificate, required for an
/// `https://` hub; it is kept with the hub link and every later call trusts
/// only that certificate.
#[allow(clippy::too_many_arguments)]
pub fn enroll(
    dir: &Path,
    pin: &str,
    provider: Arc<dyn PlatformKeyProvider>,
    code: &str,
    hub_url: &str,
    hub_certificate: Option<CertificatePin>,
    label: Option<String>,
    mut options: CreateOptions,
) -> Result<Store> {
    let code = EnrollmentCode::parse(code).map_err(|e| Error::InvalidInput(e.to_string()))?;
    // A PIN the store would refuse is refused before the one-time code is spent.
    check_pin(pin, options.policy.min_pin_digits).map_err(Error::WeakPin)?;
    if crate::store::db_path(dir).exists() {
        return Err(Error::AlreadyExists {
            path: dir.to_path_buf(),
        });
    }
    let client = HubClient::over(
        options.open.network.as_ref(),
        hub_url,
        hub_certificate,
        None,
        RetryPolicy::default(),
    )?;
    let cancel = AtomicBool::new(false);
    let (lookup, links) = look_up(&client, &code, &cancel)?;
    let role = lookup.role;
    let me = NewDevice::make(role, label.clone());
    let NewDevice {
        pair,
        signing,
        member,
    } = &me;
    let device = member.device;
    let bundle = open_checked_bundle(&code, &lookup)?;
    let verified = roster_for(&code, &lookup, &links, bundle.as_ref())?;
    // The device follows its team's signed policy from its first moment, and
    // its PIN meets the team's length before the code is spent.
    if let Some(roster) = &verified {
        options.policy = roster.policy();
        check_pin(pin, options.policy.min_pin_digits).map_err(Error::WeakPin)?;
    }
    let join = match &verified {
        Some(_) => Some(signed_join(
            &code,
            lookup.team_id,
            member,
            options.open.clock.now().timestamp_millis(),
        )?),
        None => None,
    };
    let request = EnrollRequest {
        invite_id: code.invite_id,
        verifier: code.verifier(),
        public_key: pair.public_key().to_vec(),
        label,
        device_id: Some(device),
        join,
    };
    let answer: EnrollResponse = client.call::<Enroll>(&request, &cancel)?;
    if answer.team_id != lookup.team_id || answer.device_id != device || answer.role != role {
        return Err(Error::InvalidInput(
            "the hub's answer does not match the code's team, role or this device".into(),
        ));
    }
    options.role = role;
    options.membership = membership(TeamId(answer.team_id), DeviceId(device), &bundle)?;
    let mut store = Store::create(dir, pin, provider, options)?;
    store.set_device_key_pair(pair)?;
    if let Some(signing) = signing {
        store.set_signing_key(signing)?;
    }
    let link = HubLink {
        url: hub_url.trim_end_matches('/').to_string(),
        token: answer.token,
        certificate_sha256: hub_certificate.map(|p| p.to_hex()),
    };
    store.set_hub_link(&link)?;
    let client = HubClient::over(
        store.network(),
        hub_url,
        hub_certificate,
        Some(link.token),
        RetryPolicy::default(),
    )?;
    match verified {
        Some(roster) => keep_roster_with_join(&mut store, &client, roster, member, &cancel),
        None if bundle.is_none() => sign_genesis(&mut store, &client, &cancel),
        None => {}
    }
    Ok(store)
}

/// The keys and identity a new device makes for itself: its box key pair
/// (team keys are sealed to it), a signing key if it is a supervisor, and
/// the roster member they make it.
struct NewDevice {
    pair: DeviceKeyPair,
    signing: Option<SigningKey>,
    member: Member,
}

impl NewDevice {
    fn make(role: Role, label: Option<String>) -> NewDevice {
        let pair = DeviceKeyPair::make_random();
        let signing = (role == Role::Supervisor).then(SigningKey::make_random);
        let member = Member {
            device: Uuid::new_v4(),
            role,
            box_key: pair.public_key(),
            signing_key: signing.as_ref().map(SigningKey::public),
            label,
        };
        NewDevice {
            pair,
            signing,
            member,
        }
    }
}

/// A team's first supervisor makes the team keys; any other device takes
/// those its code's bundle carries.
fn membership(team: TeamId, device: DeviceId, bundle: &Option<KeyBundle>) -> Result<Membership> {
    Ok(match bundle {
        None => Membership::Founder { team, device },
        Some(bundle) => Membership::Member {
            team,
            device,
            keys: bundle.team_keys()?,
        },
    })
}

/// The key bundle the code seals, when the invite carries one: it must name
/// the team and role the hub's answer names.
fn open_checked_bundle(code: &EnrollmentCode, lookup: &InviteLookup) -> Result<Option<KeyBundle>> {
    let Some(sealed) = lookup.key_bundle.as_deref() else {
        return Ok(None);
    };
    let bundle = open_bundle(code, sealed)?;
    if bundle.team_id != lookup.team_id || bundle.role != lookup.role {
        return Err(Error::InvalidInput(
            "the hub's answer does not match the code's sealed team and role".into(),
        ));
    }
    Ok(Some(bundle))
}

/// The team's roster, verified against the root the code pins, or `None`
/// for a team's first supervisor (no roster yet, no bundle). A code that
/// pins a root the hub's roster does not grow from, an old code for a team
/// that now signs its roster, or a founder's code for a team that has one,
/// is refused.
fn roster_for(
    code: &EnrollmentCode,
    lookup: &InviteLookup,
    links: &[Link],
    bundle: Option<&KeyBundle>,
) -> Result<Option<Roster>> {
    match (code.team, bundle, links.is_empty()) {
        (Some(pin), Some(bundle), false) => Ok(Some(verify_invite(
            lookup.team_id,
            pin,
            links,
            code,
            bundle,
            lookup.role,
        )?)),
        (Some(_), _, _) => Err(Error::Untrusted(TrustError::WrongRoot)),
        (None, Some(_), false) => Err(Error::InvalidInput(
            "this code was made before the team signed its roster: ask a supervisor for a new code"
                .into(),
        )),
        (None, _, true) => Ok(None),
        (None, None, false) => Err(Error::InvalidInput(
            "a first supervisor's code for a team that already has a roster: refused".into(),
        )),
    }
}

/// The join link the new device signs with its invite's key.
fn signed_join(
    code: &EnrollmentCode,
    team: Uuid,
    member: &Member,
    at_ms: i64,
) -> Result<SignedJoin> {
    let statement = join_statement(team, code.invite_id, member.clone(), at_ms);
    let (statement, signature) = statement.sign_unplaced(&code.invite_signing_key())?;
    Ok(SignedJoin {
        statement,
        signature: signature.to_vec(),
    })
}

/// The invite behind the code and the whole roster, page by page.
fn look_up(
    client: &HubClient,
    code: &EnrollmentCode,
    cancel: &AtomicBool,
) -> Result<(InviteLookup, Vec<Link>)> {
    let mut links: Vec<Link> = Vec::new();
    loop {
        let since = links.last().map_or(0, |l| l.seq);
        let lookup: InviteLookup = client.call::<LookUpInvite>(
            &InviteLookupRequest {
                invite_id: code.invite_id,
                verifier: code.verifier(),
                since,
            },
            cancel,
        )?;
        let page = lookup.roster.links.len();
        for wire in &lookup.roster.links {
            links.push(Link::from_wire(wire)?);
        }
        if page < MAX_ROSTER_LINKS || page == 0 {
            return Ok((lookup, links));
        }
    }
}

/// Verifies the roster from its genesis against the code's fingerprint, and
/// that it holds this code's invite as the supervisor made it and the link
/// the supervisor had last verified.
fn verify_invite(
    team: Uuid,
    pin: fieldbook_trust::Fingerprint,
    links: &[Link],
    code: &EnrollmentCode,
    bundle: &KeyBundle,
    role: Role,
) -> Result<Roster> {
    let roster = Roster::from_chain(team, Some(pin), links)?;
    if let Some(anchor) = bundle.roster_head {
        let seen = anchor
            .seq
            .checked_sub(1)
            .and_then(|i| links.get(i as usize))
            .is_some_and(|l| l.seq == anchor.seq && l.hash() == anchor.hash);
        if !seen {
            return Err(Error::Untrusted(TrustError::OutOfPlace { seq: anchor.seq }));
        }
    }
    let invite = roster.invite(code.invite_id).ok_or_else(|| {
        Error::Untrusted(TrustError::Rule {
            seq: roster.head_seq(),
            rule: "the roster lacks this code's invite".into(),
        })
    })?;
    if invite.role != role
        || invite.key != code.invite_signing_key().public()
        || invite.joined_by.is_some()
    {
        return Err(Error::Untrusted(TrustError::Rule {
            seq: invite.created_seq,
            rule: "the roster's invite does not match this code".into(),
        }));
    }
    Ok(roster)
}

/// Keeps the verified roster, then extends it with this device's join as
/// the hub placed it. Best effort: the store exists already, and the next
/// sync extends the roster too.
fn keep_roster_with_join(
    store: &mut Store,
    client: &HubClient,
    mut roster: Roster,
    member: &Member,
    cancel: &AtomicBool,
) {
    let mut summary = SyncSummary::default();
    if let Ok((links, head)) = fetch_links(client, roster.head_seq(), cancel, &mut summary) {
        let before = roster.clone();
        if roster.extend(&links, head).is_err()
            || roster.member(member.device).map(|m| &m.member) != Some(member)
        {
            roster = before;
        }
    }
    // Pins the code's fingerprint with it; failing here leaves the next
    // sync to take the roster again against the same pin.
    let _ = store.pin_team(roster.fingerprint());
    let _ = store.set_roster(&roster);
}

/// A team's first supervisor signs the roster's genesis. Best effort: if it
/// does not reach the hub, the device's next sync signs it.
fn sign_genesis(store: &mut Store, client: &HubClient, cancel: &AtomicBool) {
    let Ok(links) = genesis_links(store, &[]) else {
        return;
    };
    let request = AppendRosterRequest {
        links: links.iter().map(Link::to_wire).collect(),
    };
    if client.call::<AppendRoster>(&request, cancel).is_ok() {
        let team = store.team_id();
        if let Ok(roster) = Roster::from_chain(team.0, None, &links) {
            let _ = store.set_roster(&roster);
        }
    }
}
