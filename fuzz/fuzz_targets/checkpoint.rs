//! Any bytes a store may hand back as a run's checkpoint: resuming from them gives a clear
//! error, or a run that works, and never a panic, a hang or an unbounded allocation.

#![no_main]

use std::sync::Arc;

use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, Commit, MemoryStore, RunHeader};
use eventflow::{ResumeError, RunId};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Approval {
    approved: bool,
    by: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Tally {
    asked: u32,
    notes: Vec<String>,
}

/// Waits for an approval inside its step, with some state: the shape of the seeds.
struct Gate;

#[workflow(state = Tally, external(Approval))]
impl Gate {
    #[step]
    async fn ask(
        &self,
        ctx: &Context<Tally>,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<String>, WaitError> {
        ctx.state().edit(|t| t.asked += 1);
        let answer = ctx.wait_for_event::<Approval>().await?;
        Ok(StopEvent::new(format!("{} {}", ev.input, answer.by)))
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
    else {
        return;
    };
    runtime.block_on(async {
        let store = Arc::new(MemoryStore::new());
        let run = RunId::from_u64(1);
        let created = store.create(
            &RunHeader::new(run, "Gate", 0),
            &Commit::new(0, "(suspended)", data.to_vec()),
        );
        if created.is_err() {
            return;
        }
        match Runner::new(Gate).store(store).resume(run) {
            Err(ResumeError::Corrupt { .. } | ResumeError::WorkflowChanged { .. }) => {}
            Err(other) => panic!("unexpected error for a damaged checkpoint: {other}"),
            Ok(resumed) => {
                let _ = resumed.send_event(Approval {
                    approved: true,
                    by: "fuzz".into(),
                });
                let _ = tokio::time::timeout(std::time::Duration::from_secs(1), resumed).await;
            }
        }
    });
});
