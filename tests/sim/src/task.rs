//! Operations that talk to the hub (a sync, a compaction, an invite, an
//! enrollment, a revocation) run the real core code on threads of their own,
//! but never at the same time as anything else: a task runs only from the
//! scheduler's resume to its next stop, and the scheduler waits for that stop.
//! A task stops before each request to the hub, where the simulated network
//! decides the request's fate, and (a sync) before each step on its store, so
//! the app may write, lock or crash between two steps. Whatever the operating
//! system does with the threads, everything happens in the order the
//! schedule chose.
//!
//! A crash unwinds the task's thread from the stop it is parked at
//! ([`std::panic::resume_unwind`], which runs no panic hook): the core code
//! above it is abandoned mid-way, exactly as when a phone dies, and the
//! store is then dropped and reopened from disk.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

use fieldbook_core::sync::{HubRequest, HubResponse, TransportError};

/// A request as it travels the simulated network (an owned copy).
#[derive(Debug, Clone)]
pub struct WireRequest {
    /// The HTTP method.
    pub method: String,
    /// The API path.
    pub path: String,
    /// The query parameters of a GET.
    pub query: Vec<(String, String)>,
    /// The JSON body of a POST.
    pub body: Option<Vec<u8>>,
    /// The device's bearer token, if the call needs one.
    pub token: Option<String>,
}

impl WireRequest {
    /// An owned copy of a request a store sends.
    pub fn from_request(request: &HubRequest<'_>) -> WireRequest {
        WireRequest {
            method: request.method.as_str().to_string(),
            path: request.path.to_string(),
            query: request
                .query
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            body: request.body.map(<[u8]>::to_vec),
            token: request.token.map(str::to_string),
        }
    }

    /// `POST /v1/sync/push`, for traces.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Where a parked task stopped.
pub enum Stop<T> {
    /// About to send this request; waits for the network's answer.
    Request(WireRequest),
    /// About to take its store for one step.
    StoreStep,
    /// Its thread ended.
    Done(Ending<T>),
}

/// How a task's thread ended.
pub enum Ending<T> {
    /// It returned this.
    Finished(T),
    /// Unwound by a simulated crash.
    Crashed,
    /// A real panic in the code under test: always a finding.
    Panicked(String),
}

/// What the scheduler tells a parked task.
pub enum Resume {
    /// Take the store step.
    Go,
    /// The network's answer to the request.
    Answer(Result<HubResponse, TransportError>),
    /// The device died: unwind.
    Crash,
}

/// The unwinding payload of a simulated crash.
struct Crashed;

struct Baton {
    stops: Box<dyn Fn(StopSignal) + Send>,
    resumes: Receiver<Resume>,
}

/// A stop without the task's result type, as the network and the store
/// access see it.
enum StopSignal {
    Request(WireRequest),
    StoreStep,
}

thread_local! {
    static BATON: RefCell<Option<Baton>> = const { RefCell::new(None) };
}

/// Parks the current task at a stop until the scheduler resumes it; unwinds
/// on a crash. Only task threads reach the hub or take a store this way.
fn park(signal: StopSignal) -> Resume {
    let resume = BATON.with(|baton| {
        let baton = baton.borrow();
        let baton = baton
            .as_ref()
            .expect("only simulation tasks reach the simulated network");
        (baton.stops)(signal);
        baton.resumes.recv()
    });
    match resume {
        Ok(Resume::Crash) | Err(_) => std::panic::resume_unwind(Box::new(Crashed)),
        Ok(resume) => resume,
    }
}

/// Called by the simulated transport: the request's fate, decided by the scheduler.
pub fn send(request: WireRequest) -> Result<HubResponse, TransportError> {
    match park(StopSignal::Request(request)) {
        Resume::Answer(answer) => answer,
        Resume::Go | Resume::Crash => unreachable!("a request is resumed with an answer"),
    }
}

/// Called before each store step of a sync.
pub fn store_step() {
    match park(StopSignal::StoreStep) {
        Resume::Go => {}
        Resume::Answer(_) | Resume::Crash => unreachable!("a store step is resumed with go"),
    }
}

/// A running task, seen from the scheduler.
pub struct Task<T> {
    stops: Receiver<Stop<T>>,
    resumes: Sender<Resume>,
    thread: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> Task<T> {
    /// Starts `body` on its own thread and waits for its first stop.
    pub fn start(name: String, body: impl FnOnce() -> T + Send + 'static) -> (Task<T>, Stop<T>) {
        let (stop_tx, stops) = channel::<Stop<T>>();
        let (resumes, resume_rx) = channel::<Resume>();
        let signals = stop_tx.clone();
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || {
                BATON.with(|baton| {
                    *baton.borrow_mut() = Some(Baton {
                        stops: Box::new(move |signal| {
                            let stop = match signal {
                                StopSignal::Request(r) => Stop::Request(r),
                                StopSignal::StoreStep => Stop::StoreStep,
                            };
                            // The scheduler outlives its tasks; if it is gone
                            // the next receive fails and the task unwinds.
                            let _ = signals.send(stop);
                        }),
                        resumes: resume_rx,
                    })
                });
                let ending = match catch_unwind(AssertUnwindSafe(body)) {
                    Ok(value) => Ending::Finished(value),
                    Err(payload) if payload.is::<Crashed>() => Ending::Crashed,
                    Err(payload) => Ending::Panicked(panic_message(&*payload)),
                };
                BATON.with(|baton| baton.borrow_mut().take());
                let _ = stop_tx.send(Stop::Done(ending));
            })
            .expect("spawning a task thread");
        let mut task = Task {
            stops,
            resumes,
            thread: Some(thread),
        };
        let first = task.next_stop();
        (task, first)
    }

    /// Resumes the task and waits for its next stop.
    pub fn resume(&mut self, resume: Resume) -> Stop<T> {
        // A task that already ended takes no resume; the stop below says so.
        let _ = self.resumes.send(resume);
        self.next_stop()
    }

    fn next_stop(&mut self) -> Stop<T> {
        let stop = self.stops.recv().unwrap_or(Stop::Done(Ending::Panicked(
            "the task's thread vanished".into(),
        )));
        if matches!(stop, Stop::Done(_)) {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
        stop
    }
}

impl<T> Drop for Task<T> {
    /// A task dropped while parked (a schedule abandoned after a failure) is
    /// crashed so its thread ends.
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = self.resumes.send(Resume::Crash);
            while let Ok(stop) = self.stops.recv() {
                if matches!(stop, Stop::Done(_)) {
                    break;
                }
                let _ = self.resumes.send(Resume::Crash);
            }
            let _ = thread.join();
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_runs_only_between_a_resume_and_its_next_stop() {
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let inner = log.clone();
        let (mut task, first) = Task::start("t".into(), move || {
            inner.lock().unwrap().push("started");
            store_step();
            inner.lock().unwrap().push("stepped");
            let answer = send(WireRequest {
                method: "GET".into(),
                path: "/v1/health".into(),
                query: vec![],
                body: None,
                token: None,
            });
            inner.lock().unwrap().push("answered");
            answer.map(|a| a.status).unwrap_or(0)
        });
        assert!(matches!(first, Stop::StoreStep));
        assert_eq!(*log.lock().unwrap(), ["started"]);
        let Stop::Request(request) = task.resume(Resume::Go) else {
            panic!("expected a request")
        };
        assert_eq!(request.line(), "GET /v1/health");
        assert_eq!(*log.lock().unwrap(), ["started", "stepped"]);
        let done = task.resume(Resume::Answer(Ok(HubResponse {
            status: 200,
            body: vec![],
        })));
        assert!(matches!(done, Stop::Done(Ending::Finished(200))));
    }

    #[test]
    fn a_crash_unwinds_the_task_from_where_it_is_parked() {
        let (mut task, first) = Task::start("t".into(), || {
            store_step();
            "not reached"
        });
        assert!(matches!(first, Stop::StoreStep));
        assert!(matches!(
            task.resume(Resume::Crash),
            Stop::Done(Ending::Crashed)
        ));
    }
}
