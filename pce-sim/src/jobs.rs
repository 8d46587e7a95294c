//! Asynchronous GET collections: jobs that run for `--async-delay-ms` of real time,
//! then point at a datafile holding the events that matched when the job was created.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use pce_time::format_rfc3339_millis;

use crate::data::EventRef;
use crate::values::{obj, s, Compact};
use serde_json::Value;

/// How many finished or pending jobs are kept; the oldest go first.
const MAX_JOBS: usize = 1000;

/// How a job ends.
#[derive(Clone, Debug)]
pub enum Fate {
    /// `done` once the delay has passed.
    Done,
    /// `failed` once the delay has passed, with this message.
    Fail(String),
    /// `running` forever.
    Stuck,
}

/// One asynchronous job.
pub struct Job {
    /// Its id (a UUID).
    pub id: String,
    /// Its org.
    pub org: u64,
    /// The id of its datafile.
    pub datafile: String,
    /// When it was created, in real time.
    pub created: Instant,
    /// Its running time.
    pub delay: Duration,
    /// The simulated time of its creation, in ms.
    pub requested_at_ms: i64,
    /// The request it answers (path and query), for `description`.
    pub description: String,
    /// How it ends.
    pub fate: Fate,
    /// The events that matched when it was created, newest first.
    pub events: Vec<EventRef>,
}

/// A job's state at an instant.
pub enum State {
    /// Still running; the time left, if it will ever end.
    Running(Option<Duration>),
    /// Done: the datafile is ready.
    Done,
    /// Failed, with this message.
    Failed(String),
}

impl Job {
    /// Its state now.
    pub fn state(&self) -> State {
        let elapsed = self.created.elapsed();
        match &self.fate {
            Fate::Stuck => State::Running(None),
            _ if elapsed < self.delay => State::Running(Some(self.delay - elapsed)),
            Fate::Done => State::Done,
            Fate::Fail(message) => State::Failed(message.clone()),
        }
    }

    /// Its JSON, as `GET /orgs/{org}/jobs/{id}` shows it.
    pub fn to_json(&self, state: &State) -> Value {
        let terminated =
            format_rfc3339_millis(self.requested_at_ms + self.delay.as_millis() as i64);
        let terminated = terminated.map_or(Value::Null, Value::String);
        let (status, result) = match state {
            State::Running(_) => ("running", obj([])),
            State::Done => (
                "done",
                obj([(
                    "href",
                    s(format!("/orgs/{}/datafiles/{}", self.org, self.datafile)),
                )]),
            ),
            State::Failed(message) => ("failed", obj([("message", s(message.clone()))])),
        };
        let mut job = obj([
            ("href", s(format!("/orgs/{}/jobs/{}", self.org, self.id))),
            ("job_type", s(":illumio/async_requests")),
            ("description", s(self.description.clone())),
            ("result", result),
            ("status", s(status)),
            (
                "requested_at",
                format_rfc3339_millis(self.requested_at_ms).map_or(Value::Null, Value::String),
            ),
            ("requested_by", obj([("href", s("/users/1"))])),
        ]);
        if !matches!(state, State::Running(_)) {
            job.set("terminated_at", terminated);
        }
        job
    }
}

/// Every job, by id, and which job each datafile belongs to.
#[derive(Default)]
pub struct Jobs {
    jobs: HashMap<String, Job>,
    datafiles: HashMap<String, String>,
    order: VecDeque<String>,
}

impl Jobs {
    /// Stores a new job.
    pub fn add(&mut self, job: Job) {
        if self.order.len() >= MAX_JOBS {
            if let Some(old) = self.order.pop_front() {
                if let Some(old) = self.jobs.remove(&old) {
                    self.datafiles.remove(&old.datafile);
                }
            }
        }
        self.order.push_back(job.id.clone());
        self.datafiles.insert(job.datafile.clone(), job.id.clone());
        self.jobs.insert(job.id.clone(), job);
    }

    /// The job with this id.
    pub fn get(&self, id: &str) -> Option<&Job> {
        self.jobs.get(id)
    }

    /// The job whose datafile has this id, if that datafile is ready.
    pub fn datafile(&self, id: &str) -> Option<&Job> {
        let job = self.jobs.get(self.datafiles.get(id)?)?;
        matches!(job.state(), State::Done).then_some(job)
    }
}
