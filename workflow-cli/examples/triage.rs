//! A small workflow for the `eventflow` command to draw: tickets are fanned out, triaged
//! concurrently, joined, and sent back round until none is left open.
//!
//! `cargo run -p eventflow-cli -- draw --example triage -p eventflow-cli`

use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Batch(u32);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Ticket(u32);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Triaged {
    open: bool,
}

struct Triage;

#[workflow]
impl Triage {
    #[step]
    async fn intake(&self, ev: OneOf![StartEvent<u32> | Batch]) -> Vec<Ticket> {
        let n = match ev {
            TriageIntakeInput::StartEvent(start) => start.input,
            TriageIntakeInput::Batch(batch) => batch.0,
        };
        (0..n).map(Ticket).collect()
    }

    #[step(num_workers = 8)]
    async fn triage(&self, ticket: Ticket) -> Triaged {
        Triaged {
            open: ticket.0.is_multiple_of(3),
        }
    }

    #[step]
    async fn review(&self, all: Vec<Triaged>) -> OneOf![Batch | StopEvent<u32>] {
        let open = all.iter().filter(|t| t.open).count();
        match u32::try_from(open) {
            Ok(0) | Err(_) => StopEvent::new(0).into(),
            Ok(open) => Batch(open - 1).into(),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), WorkflowError> {
    let runner = Runner::new(Triage);
    runner.run(7).await?;
    println!("triaged");
    Ok(())
}
