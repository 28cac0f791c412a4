//! The devices' side of the simulated network: a [`Network`] whose transport
//! parks the calling task with its request (see [`crate::task`]); the
//! scheduler then decides whether the hub sees it, once or twice, and whether
//! its answer comes back. Retries wait no real time.

use fieldbook_core::sync::{
    CertificatePin, HubRequest, HubResponse, Network, Transport, TransportError,
};

use crate::task::{self, WireRequest};

/// The address every simulated device is enrolled with. It is never dialled.
pub const HUB_URL: &str = "http://hub.sim";

/// The network the stores see: every request goes to the simulation's scheduler, never to a socket.
#[derive(Debug, Default, Clone, Copy)]
pub struct SimNetwork;

impl Network for SimNetwork {
    fn connect(
        &self,
        base_url: &str,
        pin: Option<CertificatePin>,
    ) -> Result<Box<dyn Transport>, TransportError> {
        if base_url.trim_end_matches('/') != HUB_URL || pin.is_some() {
            return Err(TransportError::HubAddress(
                "the simulation has one hub, at http://hub.sim".into(),
            ));
        }
        Ok(Box::new(SimTransport))
    }
}

struct SimTransport;

impl Transport for SimTransport {
    fn send(&self, request: &HubRequest<'_>) -> Result<HubResponse, TransportError> {
        task::send(WireRequest::from_request(request))
    }

    /// Back-off is the scheduler's business: other tasks run meanwhile.
    fn pause(&self, _: std::time::Duration) {}

    /// Every request stops its task where the scheduler decides its fate, so
    /// none may leave on a thread of the core's own: a page read ahead is
    /// asked for at once, before the page in hand merges.
    fn runs_beside(&self) -> bool {
        false
    }
}
