//! Every call of the hub's API as one type: its method, path, request,
//! answer and the statuses it may answer. The device's client sends calls
//! by these types, the hub routes exactly [`Call::ALL`] (its handler table
//! matches on [`Call`], so a new call does not compile until it has a
//! handler), and a hub test holds `hub/openapi.yaml` to the same list.
//!
//! A new call is one entry in the `endpoints!` list below.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::devices::{DeviceInfo, KeysResponse, PutKeysRequest, RevokeRequest};
use crate::enroll::{
    CreateInviteRequest, EnrollRequest, EnrollResponse, InviteLookup, InviteLookupRequest,
};
use crate::paths;
use crate::roster::{AppendRosterRequest, RosterPage, SigningKeyClaim};
use crate::sync::{CompactRequest, CompactResponse, PullResponse, PushRequest, PushResponse};

/// The HTTP method of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// A read: parameters in the query string.
    Get,
    /// A change or a lookup with secrets: parameters in a JSON body.
    Post,
}

impl Method {
    /// As `hub/openapi.yaml` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
        }
    }
}

/// One call of the API, typed.
pub trait Endpoint {
    /// Which call this is, for its method, path and statuses.
    const CALL: Call;
    /// The query of a GET or the JSON body of a POST; `()` for none.
    type Request: Serialize + DeserializeOwned;
    /// The JSON answer; `()` when a success has no body.
    type Response: Serialize + DeserializeOwned;
}

/// `GET /v1/health`: whether the hub runs, its protocol and storage backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthAnswer {
    /// Always `ok`: a hub that answers is up.
    pub status: String,
    /// The hub's [`crate::PROTOCOL_VERSION`]: a device refuses a hub that speaks another.
    pub protocol: u32,
    /// `sqlite` or `postgres`.
    pub backend: String,
}

/// `GET /v1/sync/pull?since=&limit=`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullQuery {
    /// The log sequence number read up to (0 from the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<u64>,
    /// At most this many versions (1 to [`crate::sync::MAX_PULL_LIMIT`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /v1/roster?since=`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterQuery {
    /// Links after this seq (0 for the whole roster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<u64>,
}

/// Declares each call once: its marker type, [`Call`] variant, method,
/// path, request and answer types, success status and every status.
macro_rules! endpoints {
    ($(
        $(#[$doc:meta])*
        $name:ident: $method:ident $path:expr, $request:ty => $response:ty,
            ok $ok:literal, statuses $statuses:expr;
    )*) => {
        /// The API's calls, each once.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Call {
            $($(#[$doc])* $name,)*
        }

        impl Call {
            /// Every call, in the order declared; the hub routes exactly these.
            pub const ALL: &'static [Call] = &[$(Call::$name,)*];

            /// GET or POST.
            pub fn method(self) -> Method {
                match self {
                    $(Call::$name => Method::$method,)*
                }
            }

            /// The path, with `{id}` where a path parameter goes.
            pub fn path(self) -> &'static str {
                match self {
                    $(Call::$name => $path,)*
                }
            }

            /// The status of a success.
            pub fn success(self) -> u16 {
                match self {
                    $(Call::$name => $ok,)*
                }
            }

            /// Every status the hub may answer (as `hub/openapi.yaml`
            /// documents them; 431 comes from the server, for a request
            /// head over 16 KiB).
            pub fn statuses(self) -> &'static [u16] {
                match self {
                    $(Call::$name => &$statuses,)*
                }
            }
        }

        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $name;

            impl Endpoint for $name {
                const CALL: Call = Call::$name;
                type Request = $request;
                type Response = $response;
            }
        )*
    };
}

endpoints! {
    /// Whether the hub runs (no token).
    Health: Get paths::HEALTH, () => HealthAnswer,
        ok 200, statuses [200, 431];
    /// Joins a team with an enrollment code (no token).
    Enroll: Post paths::ENROLL, EnrollRequest => EnrollResponse,
        ok 200, statuses [200, 400, 403, 409, 413, 429, 431, 500, 503];
    /// What a code's holder needs before it joins; consumes nothing (no token).
    LookUpInvite: Post paths::ENROLL_INVITE, InviteLookupRequest => InviteLookup,
        ok 200, statuses [200, 400, 403, 413, 429, 431, 500, 503];
    /// Registers a code a supervisor's device made.
    CreateInvite: Post paths::INVITES, CreateInviteRequest => (),
        ok 201, statuses [201, 400, 401, 403, 409, 410, 413, 431, 500, 503];
    /// Sends sealed versions to the team's log.
    Push: Post paths::PUSH, PushRequest => PushResponse,
        ok 200, statuses [200, 400, 401, 403, 409, 410, 413, 431, 500, 503];
    /// Reads the team's log after a cursor.
    Pull: Get paths::PULL, PullQuery => PullResponse,
        ok 200, statuses [200, 400, 401, 410, 431, 500, 503];
    /// Replaces records' versions by their merged state (supervisors).
    Compact: Post paths::COMPACT, CompactRequest => CompactResponse,
        ok 200, statuses [200, 400, 401, 403, 404, 410, 413, 431, 500, 503];
    /// The team's devices (supervisors).
    ListDevices: Get paths::DEVICES, () => Vec<DeviceInfo>,
        ok 200, statuses [200, 401, 403, 410, 431, 500, 503];
    /// Revokes a device, with the key rotation that follows (supervisors).
    Revoke: Post paths::REVOKE, RevokeRequest => (),
        ok 204, statuses [204, 400, 401, 403, 404, 409, 410, 413, 431, 500, 503];
    /// Envelopes of one key epoch, with the link that makes it (supervisors).
    PutKeys: Post paths::KEYS, PutKeysRequest => (),
        ok 204, statuses [204, 400, 401, 403, 409, 410, 413, 431, 500, 503];
    /// The key envelopes addressed to the calling device.
    GetKeys: Get paths::KEYS, () => KeysResponse,
        ok 200, statuses [200, 401, 410, 431, 500, 503];
    /// The team's signed roster after a seq (revoked devices too).
    GetRoster: Get paths::ROSTER, RosterQuery => RosterPage,
        ok 200, statuses [200, 400, 401, 431, 500, 503];
    /// Links that extend the roster (supervisors).
    AppendRoster: Post paths::ROSTER, AppendRosterRequest => (),
        ok 204, statuses [204, 400, 401, 403, 409, 410, 413, 431, 500, 503];
    /// A supervisor's claim of its signing key.
    PutClaim: Post paths::CLAIMS, SigningKeyClaim => (),
        ok 204, statuses [204, 400, 401, 403, 404, 410, 413, 431, 500, 503];
    /// Signing-key claims waiting for a supervisor's certification (supervisors).
    GetClaims: Get paths::CLAIMS, () => Vec<SigningKeyClaim>,
        ok 200, statuses [200, 401, 403, 410, 431, 500, 503];
}

impl Revoke {
    /// The path that revokes `device`.
    pub fn path_for(device: uuid::Uuid) -> String {
        paths::REVOKE.replace("{id}", &device.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn each_call_has_one_route_and_lists_its_success() {
        let routes: HashSet<(Method, &str)> =
            Call::ALL.iter().map(|c| (c.method(), c.path())).collect();
        assert_eq!(routes.len(), Call::ALL.len());
        for call in Call::ALL {
            assert!(call.statuses().contains(&call.success()), "{call:?}");
            assert!(call.path().starts_with("/v1/"), "{call:?}");
        }
        assert_eq!(Revoke::CALL.method(), Method::Post);
    }

    #[test]
    fn queries_leave_out_what_is_not_set() {
        let q = PullQuery {
            since: Some(7),
            limit: None,
        };
        assert_eq!(serde_json::to_string(&q).unwrap(), r#"{"since":7}"#);
        assert_eq!(
            serde_json::to_string(&RosterQuery::default()).unwrap(),
            "{}"
        );
    }
}
