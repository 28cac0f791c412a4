//! Reading the next pull page ahead: while one page merges, the next
//! downloads on a thread of its own. The hub's answer to a cursor does not
//! depend on what the device merges, so a first sync waits on the network
//! and on its store side by side instead of in turn.
//!
//! A page read ahead is the first try of that page's request. It is used
//! when the cursor the merged page saved is the one it was asked from; when
//! it failed, the sync makes the tries left as it would have after a first
//! try of its own ([`HubClient::call_after`]), so the retry policy and the
//! summary's errors mean what they meant. A transport that orders requests
//! itself (the team simulation) is asked at once, before the current page
//! merges.

use std::sync::atomic::AtomicBool;
use std::thread::{Scope, ScopedJoinHandle};

use fieldbook_proto::endpoint::{Pull, PullQuery};
use fieldbook_proto::sync::PullResponse;

use super::transport::{HubClient, TransportError};

/// The next page, asked for ahead of need.
pub(super) struct PageAhead<'scope> {
    since: u64,
    page: Fetch<'scope>,
}

type Answer = Result<PullResponse, TransportError>;

enum Fetch<'scope> {
    Running(ScopedJoinHandle<'scope, Answer>),
    Done(Answer),
}

impl<'scope> PageAhead<'scope> {
    /// Asks for the page after `since`, on a thread of `scope` when the
    /// client's transport allows, else now.
    pub(super) fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        client: &'env HubClient,
        since: u64,
        limit: u32,
        cancel: &'env AtomicBool,
    ) -> PageAhead<'scope> {
        let fetch = move || {
            let query = PullQuery {
                since: Some(since),
                limit: Some(limit),
            };
            client.call_first::<Pull>(&query, cancel)
        };
        let page = if client.runs_beside() {
            Fetch::Running(scope.spawn(fetch))
        } else {
            Fetch::Done(fetch())
        };
        PageAhead { since, page }
    }

    /// The answer to the first try, when it was asked from `since` (else
    /// `None`: the page is asked for anew); waits for it.
    pub(super) fn take(self, since: u64) -> Option<Answer> {
        let answer = match self.page {
            Fetch::Running(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Fetch::Done(answer) => answer,
        };
        (self.since == since).then_some(answer)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, Mutex};
    use std::thread::ThreadId;

    use fieldbook_proto::sync::PullResponse;

    use crate::store::{CreateOptions, HubLink, OpenOptions, Store};
    use crate::sync::transport::RetryPolicy;
    use crate::sync::transport::{HubRequest, HubResponse, Network, Transport, TransportError};
    use crate::sync::{sync_shared, CertificatePin, SyncOptions};
    use crate::testing::{TestDevice, TEST_PIN};

    const PAGE: u64 = 10;

    /// A hub whose log is `pages` pages of nothing: each pull from `since`
    /// answers the page after it. It notes every request's cursor and thread.
    struct PagedHub {
        pages: u64,
        beside: bool,
        /// Cursors whose first request gets a 503.
        fail_once: Mutex<BTreeSet<u64>>,
        log: Mutex<Vec<(String, u64, ThreadId)>>,
    }

    impl PagedHub {
        fn new(pages: u64, beside: bool, fail_once: &[u64]) -> Arc<PagedHub> {
            Arc::new(PagedHub {
                pages,
                beside,
                fail_once: Mutex::new(fail_once.iter().copied().collect()),
                log: Mutex::new(Vec::new()),
            })
        }

        fn log(&self) -> Vec<(String, u64, ThreadId)> {
            self.log.lock().unwrap().clone()
        }
    }

    struct Net(Arc<PagedHub>);

    impl Network for Net {
        fn connect(
            &self,
            _: &str,
            _: Option<CertificatePin>,
        ) -> Result<Box<dyn Transport>, TransportError> {
            Ok(Box::new(Wire(Arc::clone(&self.0))))
        }
    }

    struct Wire(Arc<PagedHub>);

    impl Transport for Wire {
        fn send(&self, request: &HubRequest<'_>) -> Result<HubResponse, TransportError> {
            let since = request
                .query
                .iter()
                .find(|(k, _)| *k == "since")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(u64::MAX);
            let hub = &self.0;
            hub.log.lock().unwrap().push((
                request.path.to_string(),
                since,
                std::thread::current().id(),
            ));
            if request.path != "/v1/sync/pull" {
                return Ok(HubResponse {
                    status: 404,
                    body: Vec::new(),
                });
            }
            if hub.fail_once.lock().unwrap().remove(&since) {
                return Ok(HubResponse {
                    status: 503,
                    body: Vec::new(),
                });
            }
            let next = since + PAGE;
            let page = PullResponse {
                versions: Vec::new(),
                next,
                more: next < hub.pages * PAGE,
                key_epoch: 1,
                roster_head: 0,
            };
            Ok(HubResponse {
                status: 200,
                body: serde_json::to_vec(&page).unwrap(),
            })
        }

        fn pause(&self, _: std::time::Duration) {}

        fn runs_beside(&self) -> bool {
            self.0.beside
        }
    }

    /// A locked, enrolled device on `hub` (locked: its sync pulls and holds,
    /// without the roster's requests), synced once.
    fn sync_locked(hub: &Arc<PagedHub>, attempts: u32) -> (crate::sync::SyncSummary, u64) {
        let device = TestDevice::new();
        let mut store = Store::create(
            &device.dir,
            TEST_PIN,
            device.provider.clone(),
            CreateOptions {
                open: OpenOptions {
                    network: Arc::new(Net(Arc::clone(hub))),
                    ..device.open_options()
                },
                ..CreateOptions::for_tests()
            },
        )
        .unwrap();
        store
            .set_hub_link(&HubLink {
                url: "http://127.0.0.1:1".into(),
                token: "token".into(),
                certificate_sha256: None,
            })
            .unwrap();
        store.lock();
        let shared = Mutex::new(store);
        let options = SyncOptions {
            retry: RetryPolicy {
                attempts,
                ..RetryPolicy::default()
            },
            ..SyncOptions::default()
        };
        let summary = sync_shared(&shared, &options, None, &AtomicBool::new(false)).unwrap();
        let cursor = shared.lock().unwrap().sync_cursor().unwrap();
        (summary, cursor)
    }

    fn cursors(log: &[(String, u64, ThreadId)]) -> Vec<u64> {
        log.iter().map(|(_, since, _)| *since).collect()
    }

    #[test]
    fn the_next_page_downloads_on_its_own_thread_while_this_one_merges() {
        let hub = PagedHub::new(4, true, &[]);
        let (summary, cursor) = sync_locked(&hub, 3);
        assert!(summary.ok, "{:?}", summary.errors);
        assert_eq!(cursor, 4 * PAGE);
        assert_eq!(summary.requests, 4, "one request per page, none wasted");
        let log = hub.log();
        assert_eq!(cursors(&log), [0, PAGE, 2 * PAGE, 3 * PAGE]);
        let here = std::thread::current().id();
        assert_eq!(
            log[0].2, here,
            "the first page is asked for by the sync itself"
        );
        assert!(
            log[1..].iter().all(|(_, _, thread)| *thread != here),
            "every later page is read ahead, beside the merge of the one before"
        );
    }

    #[test]
    fn a_page_whose_read_ahead_failed_gets_the_tries_left() {
        let hub = PagedHub::new(4, true, &[2 * PAGE]);
        let (summary, cursor) = sync_locked(&hub, 3);
        assert!(summary.ok, "{:?}", summary.errors);
        assert!(summary.errors.is_empty());
        assert_eq!(cursor, 4 * PAGE);
        let log = hub.log();
        assert_eq!(cursors(&log), [0, PAGE, 2 * PAGE, 2 * PAGE, 3 * PAGE]);
        let here = std::thread::current().id();
        assert_ne!(log[2].2, here, "read ahead, and refused");
        assert_eq!(log[3].2, here, "its second try, by the sync itself");
        assert_eq!(summary.requests, 4, "a retry is not another request");
    }

    #[test]
    fn with_one_try_a_failed_read_ahead_fails_the_sync_and_says_why() {
        let hub = PagedHub::new(4, true, &[2 * PAGE]);
        let (summary, cursor) = sync_locked(&hub, 1);
        assert!(!summary.ok);
        assert_eq!(summary.errors.len(), 1, "{:?}", summary.errors);
        assert_eq!(cursor, 2 * PAGE, "the pages before it are kept");
        assert_eq!(cursors(&hub.log()), [0, PAGE, 2 * PAGE]);
    }

    #[test]
    fn a_transport_that_orders_requests_itself_is_asked_at_once() {
        let hub = PagedHub::new(3, false, &[]);
        let (summary, cursor) = sync_locked(&hub, 3);
        assert!(summary.ok, "{:?}", summary.errors);
        assert_eq!(cursor, 3 * PAGE);
        let log = hub.log();
        assert_eq!(cursors(&log), [0, PAGE, 2 * PAGE]);
        let here = std::thread::current().id();
        assert!(log.iter().all(|(_, _, thread)| *thread == here));
    }
}
