//! The team's signed roster during a sync (an unlocked store only: the
//! verified roster is sealed).
//!
//! - Fetch the links after this device's head, verify them against the
//!   roster it holds, and keep them; a roster that does not verify is
//!   reported and the old one kept.
//! - A team from before signed rosters: a supervisor's device signs the
//!   roster at its first sync after the upgrade, listing the devices the hub
//!   lists (trust on first use); every other device takes that roster on
//!   first use once it finds itself in it as it is.
//! - Supervisors certified before they had a signing key claim one; another
//!   supervisor checks the claim (a MAC under the X25519 secret the two
//!   share) and certifies it.
//! - Supervisors share the keys of epochs made before a member joined.
//! - Team keys are learned only from envelopes a certified supervisor signed.

use std::sync::atomic::AtomicBool;

use fieldbook_proto::devices::{DeviceInfo, KeysResponse, PutKeysRequest};
use fieldbook_proto::endpoint::{
    AppendRoster, GetClaims, GetKeys, GetRoster, ListDevices, PutClaim, PutKeys, RosterQuery,
};
use fieldbook_proto::roster::{
    AppendRosterRequest, ClaimMac, RosterPage, SigningKeyClaim, MAX_ROSTER_LINKS,
};
use fieldbook_proto::vocab::DeviceStatus;
use fieldbook_trust::{
    Entry, Link, Position, PublicKey, Roster, Signer, SigningKey, Statement, GENESIS_PREV,
};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::access::StoreAccess;
use super::engine::Failure;
use super::summary::{SyncListener, SyncPhase, SyncSummary};
use super::transport::{HubClient, TransportError};
use crate::crypto::{hmac_sha256, Domain};
use crate::store::{Role, Store};
use crate::{Error, Result};
use fieldbook_proto::vocab::KeyClass;
use hmac::Mac;

/// Every link after `since`, page by page, and the hub's head.
pub(crate) fn fetch_links(
    client: &HubClient,
    since: u64,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(Vec<Link>, u64), TransportError> {
    let mut links: Vec<Link> = Vec::new();
    loop {
        let after = links.last().map_or(since, |l| l.seq);
        summary.requests += 1;
        let page: RosterPage =
            client.call::<GetRoster>(&RosterQuery { since: Some(after) }, cancel)?;
        let full = page.links.len() >= MAX_ROSTER_LINKS;
        for wire in &page.links {
            let link = Link::from_wire(wire)
                .map_err(|e| TransportError::Protocol(format!("roster: {e}")))?;
            links.push(link);
        }
        if !full || page.links.is_empty() {
            return Ok((links, page.head));
        }
    }
}

/// Brings this device's verified roster up to the hub's, then does a
/// supervisor's roster chores. Trust failures are reported in `summary` and
/// change nothing; transport failures end the sync.
pub(super) fn update<S: StoreAccess>(
    store: &S,
    client: &HubClient,
    hub_head: u64,
    hub_epoch: u32,
    listener: Option<&dyn SyncListener>,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    let local = store.with(|s| s.roster())?;
    let since = local.as_ref().map_or(0, Roster::head_seq);
    // Nothing new on the hub: no request (a sync with nothing new stays one request).
    let (links, head) = if hub_head > since || (local.is_none() && hub_head > 0) {
        fetch_links(client, since, cancel, summary)?
    } else {
        (Vec::new(), hub_head)
    };
    match local {
        Some(mut roster) => {
            // Every link that verifies is kept, up to the first that does not.
            let (added, refused) = roster.extend_prefix(&links, head);
            if added > 0 {
                store.with(|s| s.set_roster(&roster))?;
                summary.roster_links += added as u32;
            } else {
                // Nothing new, but a store upgraded from before team
                // policies follows the one its roster holds all the same.
                store.with(|s| s.follow_team_policy(&roster.policy()))?;
            }
            if let Some(e) = refused {
                summary.errors.push(format!(
                    "the hub sent a roster that does not verify ({e}): keeping the roster this device verified"
                ));
            }
        }
        None if head == 0 => {
            let supervisor = store.with(|s| s.role()) == Role::Supervisor;
            if supervisor {
                sign_first_roster(store, client, cancel, summary)?;
            } else {
                summary.warnings.push(
                    "the team has no signed roster yet: a supervisor's device signs it at its next sync; until then this device accepts no new team keys".into(),
                );
            }
        }
        None => take_on_first_use(store, &links, summary)?,
    }
    if let Some(listener) = listener {
        listener.progress(SyncPhase::Keys, 1, Some(3));
    }
    supervisor_chores(store, client, cancel, summary)?;
    learn_keys(store, client, hub_epoch, cancel, summary)?;
    // Only new links can publish a form: a sync with nothing new opens no forms.
    if links.is_empty() {
        return Ok(());
    }
    report_forms(store, since, summary)
}

/// Tells the summary which forms published after `since` this device now
/// uses, and which it refused and why. A locked store reports at the next
/// sync after an unlock (it needs the team key to open a form).
fn report_forms<S: StoreAccess>(
    store: &S,
    since: u64,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    store.with(|s| -> Result<()> {
        let Some(roster) = s.roster()? else {
            return Ok(());
        };
        let (forms, refused) = match (s.forms(), s.refused_forms()) {
            (Ok(forms), Ok(refused)) => (forms, refused),
            (Err(Error::Locked), _) | (_, Err(Error::Locked)) => return Ok(()),
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        for link in roster.form_links().iter().filter(|l| l.seq > since) {
            let adopted = forms
                .version(link.kind, link.version)
                .is_some_and(|k| k.publication.is_some_and(|p| p.seq == link.seq));
            if adopted {
                summary.forms_adopted += 1;
            }
        }
        for r in refused.iter().filter(|r| r.seq > since) {
            summary.errors.push(format!(
                "refused the {} form version {} a supervisor published: {}; the form in use stays",
                r.kind, r.version, r.reason
            ));
        }
        Ok(())
    })?;
    Ok(())
}

/// A team from before signed rosters, or a new team whose genesis did not
/// reach the hub: this supervisor makes the team root and signs the roster,
/// with every active device the hub lists as it enrolled (trust on first
/// use of the hub's list, written down in the threat model).
fn sign_first_roster<S: StoreAccess>(
    store: &S,
    client: &HubClient,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    summary.requests += 1;
    let devices: Vec<DeviceInfo> = client.call::<ListDevices>(&(), cancel)?;
    let links = store.with(|s| genesis_links(s, &devices))?;
    summary.requests += 1;
    let posted = client.call::<AppendRoster>(
        &AppendRosterRequest {
            links: links.iter().map(Link::to_wire).collect(),
        },
        cancel,
    );
    match posted {
        Ok(()) => {
            let team = store.with(|s| s.team_id());
            let roster = Roster::from_chain(team.0, None, &links).map_err(Error::from)?;
            store.with(|s| s.set_roster(&roster))?;
            summary.roster_links += links.len() as u32;
            summary.warnings.push(format!(
                "signed the team's roster with the {} devices the hub listed (trust on first use); team fingerprint {}",
                links.len(),
                roster.fingerprint()
            ));
            Ok(())
        }
        // Another supervisor signed first: take that roster instead.
        Err(TransportError::Refused { error, .. }) if error == "roster_moved" => {
            let (links, _) = fetch_links(client, 0, cancel, summary)?;
            take_on_first_use(store, &links, summary)
        }
        Err(e) => Err(e.into()),
    }
}

/// The genesis (signed by a new team root this device keeps) and a link
/// adding each other active device the hub lists.
pub(crate) fn genesis_links(store: &mut Store, devices: &[DeviceInfo]) -> Result<Vec<Link>> {
    let root = SigningKey::make_random();
    store.set_team_root(&root)?;
    let founder = store.as_member(None)?;
    let me = founder.device;
    let key_epoch = store.key_epoch()?.max(1);
    let mut links = store.sign_chain(
        Position {
            seq: 1,
            prev: GENESIS_PREV,
        },
        Signer::Root,
        &root,
        vec![Entry::Genesis {
            root: root.public(),
            founder,
            key_epoch,
        }],
    )?;
    let adds: Vec<Entry> = devices
        .iter()
        .filter(|d| d.status == DeviceStatus::Active && d.device_id != me)
        .filter_map(|d| {
            let role = d.role;
            let box_key: [u8; 32] = d.public_key.as_deref()?.try_into().ok()?;
            Some(Entry::Add {
                member: fieldbook_trust::Member {
                    device: d.device_id,
                    role,
                    box_key,
                    signing_key: None,
                    label: d.label.clone(),
                },
            })
        })
        .collect();
    let signing = store.signing_key()?.ok_or(Error::NotCertified)?;
    let next = Position {
        seq: 2,
        prev: links[0].hash(),
    };
    let signer = Signer::Device { device: me };
    links.extend(store.sign_chain(next, signer, &signing, adds)?);
    Ok(links)
}

/// A device takes the team's roster the first time it sees one, if it
/// finds itself in it as it is (its id, role and key). A device from before
/// signed rosters, with no team pinned, never erases itself on a roster it
/// took this way; a device whose code pinned the team obeys a revocation
/// in a chain that verifies against that pin, like a signed wipe order
/// (a supervisor can revoke a device before it first takes the roster).
fn take_on_first_use<S: StoreAccess>(
    store: &S,
    links: &[Link],
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    let revoked = store.with(|s| -> Result<bool> {
        let (team, me, role) = s.identity();
        let pinned = s.pinned_team()?;
        let roster = match Roster::from_chain(team.0, pinned, links) {
            Ok(r) => r,
            Err(e) => {
                summary
                    .errors
                    .push(format!("the hub sent a roster that does not verify ({e})"));
                return Ok(false);
            }
        };
        if pinned.is_some() && roster.is_revoked(me.0) {
            return Ok(true);
        }
        let box_key = s.device_key_pair()?.public_key();
        let listed_as_i_am = roster.member(me.0).is_some_and(|m| {
            m.member.role == role && m.member.box_key == box_key && m.is_active()
        });
        if !listed_as_i_am {
            summary.errors.push(
                "the team's roster does not list this device as it is: not trusting it (ask a supervisor)".into(),
            );
            return Ok(false);
        }
        s.set_roster(&roster)?;
        summary.roster_links += links.len() as u32;
        summary.warnings.push(format!(
            "took the team's signed roster on first use; team fingerprint {}",
            roster.fingerprint()
        ));
        Ok(false)
    })?;
    if revoked {
        return Err(Failure::WipeOrder { signed: true });
    }
    Ok(())
}

/// A supervisor's roster chores at each sync: claim a signing key if it has
/// none certified, certify the claims of others, share keys with members
/// that joined after a rotation.
fn supervisor_chores<S: StoreAccess>(
    store: &S,
    client: &HubClient,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    let (role, me, roster) =
        store.with(|s| -> Result<_> { Ok((s.role(), s.device_id(), s.roster()?)) })?;
    let Some(roster) = roster else {
        return Ok(());
    };
    if role != Role::Supervisor || !roster.is_active(me.0) {
        return Ok(());
    }
    if !roster.may_sign(me.0) {
        let claim = store.with(|s| make_claim(s, &roster))?;
        summary.requests += 1;
        client.call::<PutClaim>(&claim, cancel)?;
        summary.warnings.push(
            "this supervisor's signing key waits for another supervisor's device to certify it at its next sync".into(),
        );
        return Ok(());
    }
    let waiting = roster.members().any(|m| {
        m.is_active() && m.member.role == Role::Supervisor && m.member.signing_key.is_none()
    });
    if waiting {
        certify_claims(store, client, &roster, cancel, summary)?;
    }
    let requests: Vec<PutKeysRequest> = store.with(|s| s.keys_to_share())?;
    for request in requests {
        summary.requests += 1;
        client.call::<PutKeys>(&request, cancel)?;
        store.with(|s| s.mark_keys_shared(&request))?;
    }
    Ok(())
}

/// What a claim says: the team, the device and its new signing key.
fn claim_message(team: Uuid, device: Uuid, key: &[u8]) -> Vec<u8> {
    Domain::signing_key_claim_message(&team, &device, key)
}

fn claim_mac(store: &mut Store, peer_box_key: &[u8; 32], message: &[u8]) -> Result<[u8; 32]> {
    let pair = store.device_key_pair()?;
    let key = pair.pairwise_mac_key(peer_box_key)?;
    let mut mac = hmac_sha256(key.expose());
    mac.update(message);
    Ok(mac.finalize().into_bytes().into())
}

/// This device's signing-key claim, MACed for each supervisor that can sign.
fn make_claim(store: &mut Store, roster: &Roster) -> Result<SigningKeyClaim> {
    let (team, me, _) = store.identity();
    let key = store.ensure_signing_key()?.public();
    let message = claim_message(team.0, me.0, &key.0);
    let mut macs = Vec::new();
    for m in roster
        .members()
        .filter(|m| roster.may_sign(m.member.device))
    {
        macs.push(ClaimMac {
            supervisor: m.member.device,
            mac: claim_mac(store, &m.member.box_key, &message)?.to_vec(),
        });
    }
    Ok(SigningKeyClaim {
        device_id: me.0,
        signing_key: key.0.to_vec(),
        macs,
    })
}

/// Certifies the signing keys of supervisors whose claims carry a MAC this
/// device can check against the X25519 key the roster lists for them.
fn certify_claims<S: StoreAccess>(
    store: &S,
    client: &HubClient,
    roster: &Roster,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    summary.requests += 1;
    let claims: Vec<SigningKeyClaim> = client.call::<GetClaims>(&(), cancel)?;
    let entries = store.with(|s| -> Result<Vec<Entry>> {
        let (team, me, _) = s.identity();
        let mut entries = Vec::new();
        for claim in claims {
            let Some(member) = roster.member(claim.device_id) else {
                continue;
            };
            let waiting = member.is_active()
                && member.member.role == Role::Supervisor
                && member.member.signing_key.is_none();
            let Ok(key) = PublicKey::from_slice(&claim.signing_key) else {
                continue;
            };
            let Some(mac) = claim.macs.iter().find(|m| m.supervisor == me.0) else {
                continue;
            };
            let message = claim_message(team.0, claim.device_id, &key.0);
            let expected = claim_mac(s, &member.member.box_key, &message)?;
            if waiting && bool::from(expected.as_slice().ct_eq(&mac.mac)) {
                entries.push(Entry::CertifySigningKey {
                    device: claim.device_id,
                    key,
                });
            } else if waiting {
                summary.errors.push(format!(
                    "a signing-key claim for device {} does not come from that device: not certified",
                    claim.device_id
                ));
            }
        }
        Ok(entries)
    })?;
    if entries.is_empty() {
        return Ok(());
    }
    let links = store.with(|s| s.sign_entries(roster, entries))?;
    summary.requests += 1;
    match client.call::<AppendRoster>(
        &AppendRosterRequest {
            links: links.iter().map(Link::to_wire).collect(),
        },
        cancel,
    ) {
        // Another write landed first: the next sync tries again.
        Err(TransportError::Refused { error, .. }) if error == "roster_moved" => Ok(()),
        other => Ok(other?),
    }
}

/// Fetches key envelopes when the verified roster (or the hub, which may be
/// lying) has an epoch this device lacks for a class it holds, or when a team
/// key stored here is damaged (its envelope may still be on the hub), and
/// keeps only those a certified supervisor signed for an epoch the roster made.
fn learn_keys<S: StoreAccess>(
    store: &S,
    client: &HubClient,
    hub_epoch: u32,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    let behind = store.with(|s| -> Result<bool> {
        let Some(roster) = s.roster()? else {
            return Ok(false);
        };
        if s.damaged_keys()?
            .iter()
            .any(|k| k.class != KeyClass::ClientCode)
        {
            return Ok(true);
        }
        let current = roster.current_epoch().max(hub_epoch);
        let classes = s.role().key_classes();
        let newer = classes.iter().any(|c| {
            s.epoch_of(*c)
                .is_ok_and(|held| held.is_none_or(|e| e < current))
        });
        Ok(newer || s.waits_for_keys().unwrap_or(false))
    })?;
    if !behind {
        return Ok(());
    }
    summary.requests += 1;
    let keys: KeysResponse = client.call::<GetKeys>(&(), cancel)?;
    let outcome = store.with(|s| s.accept_key_envelopes(&keys.envelopes))?;
    summary.keys_learned += outcome.learned;
    summary.keys_refused += outcome.refused;
    if outcome.refused > 0 {
        summary.errors.push(format!(
            "the hub sent {} key envelope(s) no supervisor of the team's roster signed for this device: refused",
            outcome.refused
        ));
    }
    Ok(())
}

/// Whether the roster fetched from the hub, verified from its genesis
/// against the pinned team fingerprint, revokes this device: the only wipe
/// order a device obeys.
pub(crate) fn revoked_by_roster(store: &mut Store, links: &[Link]) -> Result<bool> {
    let Some(pin) = store.pinned_team()? else {
        return Ok(false);
    };
    let (team, me, _) = store.identity();
    match Roster::from_chain(team.0, Some(pin), links) {
        Ok(roster) => Ok(roster.is_revoked(me.0)),
        Err(_) => Ok(false),
    }
}

/// A statement of this device's join, signed with its invite's key.
pub(crate) fn join_statement(
    team: Uuid,
    invite: Uuid,
    member: fieldbook_trust::Member,
    at_ms: i64,
) -> Statement {
    Statement::new(
        team,
        None,
        at_ms,
        Signer::Invite { invite },
        Entry::Join { invite, member },
    )
}
